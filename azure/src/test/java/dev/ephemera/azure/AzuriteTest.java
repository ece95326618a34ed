package dev.ephemera.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobAudience;
import com.azure.storage.blob.models.BlobStorageException;
import dev.ephemera.testkit.azure.IssuedToken;
import dev.ephemera.testkit.emulator.LoopbackTls;
import dev.ephemera.testkit.time.VirtualTime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real peer: Azurite (the Azure Storage emulator) over HTTPS with {@code --oauth basic}, which
 * accepts a bearer token only if it is a JWT with {@code iss} under {@code
 * https://sts.windows.net/}, an {@code aud} of storage, and {@code nbf <= now <= exp} on its own
 * (real) clock.
 *
 * <p>Azurite is installed before the suite by {@code .ci/install-azurite} into {@code
 * target/azurite} (or the directory named by the system property {@value #HOME_PROPERTY} or the
 * environment variable {@value #HOME_ENV}). When it is not there the test installs it with npm
 * (bounded), and fails, naming what is missing and the command that installs it, when it cannot: it
 * never skips silently.
 */
class AzuriteTest {
  private static final String VERSION = "3.35.0";
  static final String HOME_PROPERTY = "ephemera.azurite.home";
  static final String HOME_ENV = "EPHEMERA_AZURITE_HOME";
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LISTENING =
      Pattern.compile("listens on https://127\\.0\\.0\\.1:(\\d+)");
  private static @Nullable Process azurite;
  private static int port;
  private static Path workDir = Path.of("target", "azurite-run");

  // Azurite checks exp/nbf against the real clock: virtual time starts at the real now
  private final VirtualTime time = VirtualTime.startingAt(Instant.now());
  private AzureTestbed bed;
  private AzureWorkloadIdentity identity;

  @BeforeAll
  static void startAzurite() throws Exception {
    Path main = installedAzurite();
    workDir = Files.createDirectories(Path.of("target", "azurite-run").toAbsolutePath());
    Path keyStore = LoopbackTls.keyStoreFile(workDir);
    Process p =
        new ProcessBuilder(
                "node",
                main.toString(),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                "0",
                "--cert",
                keyStore.toString(),
                "--pwd",
                LoopbackTls.PASSWORD,
                "--oauth",
                "basic",
                "--inMemoryPersistence",
                "--extentMemoryLimit",
                "64",
                "--disableTelemetry",
                "--skipApiVersionCheck",
                "--loose")
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .start();
    azurite = p;
    port = awaitPort(p);
  }

  @AfterAll
  static void stopAzurite() throws InterruptedException {
    Process p = azurite;
    if (p != null) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @BeforeEach
  void start() {
    bed = new AzureTestbed(time);
    identity = bed.identity().build();
  }

  @AfterEach
  void stop() {
    identity.close();
    bed.close();
  }

  private BlobServiceClientBuilder blobs() {
    return new BlobServiceClientBuilder()
        .endpoint("https://127.0.0.1:" + port + "/devstoreaccount1")
        .credential(identity.tokenCredential())
        .httpClient(AzureTestbed.loopbackHttp(Duration.ofSeconds(20)));
  }

  @Test
  void blobClient_withTheEphemeraCredential_createsAContainer_uploadsAndReadsABlob() {
    BlobServiceClient service = blobs().buildClient();

    BlobContainerClient container = service.createBlobContainer("ephemera-" + System.nanoTime());
    container.getBlobClient("greeting.txt").upload(BinaryData.fromString("hello, azurite"));
    String read = container.getBlobClient("greeting.txt").downloadContent().toString();

    assertThat(read).isEqualTo("hello, azurite");
    assertThat(bed.entra.issued())
        .extracting(IssuedToken::audience)
        .containsOnly("https://storage.azure.com");
    assertThat(bed.entra.tokenRequests())
        .as("one token served every request: the AccessToken is cached, not re-issued")
        .isEqualTo(1);
  }

  @Test
  void tokenForAnotherAudience_isRefusedByAzurite() {
    BlobServiceClient service =
        blobs().audience(BlobAudience.fromString("https://vault.azure.net")).buildClient();

    BlobStorageException e =
        catchThrowableOfType(
            BlobStorageException.class, () -> service.createBlobContainer("refused"));

    assertThat(e.getStatusCode()).isIn(401, 403);
    assertThat(e.getMessage()).containsIgnoringCase("audience");
    assertThat(bed.entra.issued())
        .extracting(IssuedToken::audience)
        .containsExactly("https://vault.azure.net");
  }

  /** Azurite's blob entry point: installed before the suite, else installed now, else a failure. */
  static Path installedAzurite() throws IOException, InterruptedException {
    String configured = System.getProperty(HOME_PROPERTY);
    if (configured == null) {
      configured = System.getenv(HOME_ENV);
    }
    Path home =
        (configured == null || configured.isBlank()
                ? Path.of("target", "azurite")
                : Path.of(configured.strip()))
            .toAbsolutePath();
    Path main = home.resolve("node_modules/azurite/dist/src/blob/main.js");
    if (Files.exists(main)) {
      return main;
    }
    String missing =
        "azurite@" + VERSION + " is not installed in " + home + " (.ci/install-azurite installs it";
    if (run(Duration.ofSeconds(60), home, "npm", "--version") != 0) {
      throw new IllegalStateException(
          missing + "; node and npm are needed, and npm is not on the PATH)");
    }
    // The registry first (bounded): unreachable, only npm's own cache can still serve the package.
    boolean reachable = run(PING_TIMEOUT, home, "npm", "ping") == 0;
    int installed =
        run(
            INSTALL_TIMEOUT,
            home,
            "npm",
            "install",
            "--prefix",
            home.toString(),
            "--no-audit",
            "--no-fund",
            reachable ? "--prefer-offline" : "--offline",
            "azurite@" + VERSION);
    if (installed == 0 && Files.exists(main)) {
      return main;
    }
    Path log = home.resolve("npm-install.log");
    if (!reachable) {
      throw new IllegalStateException(
          missing
              + " where the npm registry is reachable: from here `npm ping` failed or took over "
              + PING_TIMEOUT.toSeconds()
              + " s, and npm's cache has no azurite@"
              + VERSION
              + "; see "
              + log
              + ")");
    }
    throw new IllegalStateException(
        missing
            + (installed == TIMED_OUT
                ? "; `npm install` took over " + INSTALL_TIMEOUT.toMinutes() + " minutes"
                : "; `npm install azurite@" + VERSION + "` failed")
            + ": see "
            + log
            + ")");
  }

  private static final int TIMED_OUT = -1;

  /**
   * Runs {@code command} in {@code dir}, its output appended to {@code npm-install.log} there: its
   * exit status, {@link #TIMED_OUT} past {@code timeout}, 127 when it cannot be started.
   */
  private static int run(Duration timeout, Path dir, String... command)
      throws InterruptedException {
    Process p;
    try {
      Files.createDirectories(dir);
      p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(dir.resolve("npm-install.log").toFile()))
              .start();
    } catch (IOException e) {
      return 127;
    }
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return TIMED_OUT;
    }
    return p.exitValue();
  }

  /** Reads Azurite's output until it names its port (bounded by a real-time deadline). */
  private static int awaitPort(Process p) throws Exception {
    List<String> seen = new ArrayList<>();
    CompletableFuture<Integer> found = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  synchronized (seen) {
                    seen.add(line);
                  }
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    found.complete(Integer.parseInt(m.group(1)));
                  }
                }
                found.completeExceptionally(new IllegalStateException("azurite exited"));
              } catch (IOException e) {
                found.completeExceptionally(e);
              }
            },
            "azurite-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return found.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      p.destroyForcibly();
      synchronized (seen) {
        throw new IllegalStateException("Azurite did not start: " + seen, e);
      }
    }
  }
}
