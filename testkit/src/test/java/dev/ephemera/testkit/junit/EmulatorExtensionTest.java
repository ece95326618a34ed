package dev.ephemera.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.ephemera.testkit.aws.PodIdentityAgentEmulator;
import dev.ephemera.testkit.aws.StsEmulator;
import dev.ephemera.testkit.azure.EntraEmulator;
import dev.ephemera.testkit.gcp.CloudStorageEmulator;
import dev.ephemera.testkit.gcp.GkeMetadataServerEmulator;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.time.VirtualTime;
import dev.ephemera.testkit.vault.VaultEmulator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * {@link EmulatorExtension} as a user's test meets it: test classes run through the JUnit launcher,
 * each recording what it was given, and the endpoints checked after they finished.
 */
class EmulatorExtensionTest {
  /** What the tests run below were given, by test name and then by what. */
  static final Map<String, Map<String, Object>> GIVEN = new ConcurrentHashMap<>();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void startsWhatATestAsks_oneOfEachType_andClosesAllOfItAfterTheTest() throws IOException {
    TestExecutionSummary summary = run(WithDefaults.class);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
    Map<String, Object> first = given("first");
    Map<String, Object> second = given("second");
    assertThat(first.get("sts")).isSameAs(first.get("sts again"));
    assertThat(second.get("sts")).isNotSameAs(first.get("sts"));
    for (Map<String, Object> given : List.of(first, second)) {
      for (Map.Entry<String, Object> e : given.entrySet()) {
        if (e.getValue() instanceof Integer port) { // each emulator's port, read during its test
          assertThat(isListening(port)).as("%s after its test", e.getKey()).isFalse();
        }
      }
    }
  }

  @Test
  void cloudStorage_acceptsWhatThatTestsMetadataServerMinted() {
    TestExecutionSummary summary = run(StorageAndMetadata.class);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(given("storage")).containsEntry("status", 200);
  }

  @Test
  void configuresEmulatorsBeforeTheyStart_fixedPortsIncluded() throws IOException {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Configured.port = port;

    TestExecutionSummary summary = run(Configured.class);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(given("configured")).containsEntry("port", port);
    assertThat(isListening(port)).isFalse();
  }

  @Test
  void aParameterOfAnotherType_isNotTheExtensions() {
    assertThat(run(AnotherType.class).getTestsFailedCount()).isEqualTo(1);
  }

  private static Map<String, Object> given(String test) {
    Map<String, Object> given = GIVEN.get(test);
    if (given == null) {
      throw new AssertionError(test + " did not run");
    }
    return given;
  }

  private static TestExecutionSummary run(Class<?> tests) {
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(tests)).build(), listener);
    return listener.getSummary();
  }

  private static int portOf(Object emulator) {
    URI uri;
    if (emulator instanceof StsEmulator sts) {
      uri = sts.endpoint();
    } else if (emulator instanceof PodIdentityAgentEmulator pod) {
      uri = pod.fullUri();
    } else if (emulator instanceof VaultEmulator vault) {
      uri = vault.uri();
    } else if (emulator instanceof EntraEmulator entra) {
      uri = entra.tokenEndpoint();
    } else if (emulator instanceof OidcIssuer oidc) {
      uri = URI.create(oidc.issuerUrl());
    } else if (emulator instanceof GkeMetadataServerEmulator gke) {
      uri = URI.create(gke.baseUrl());
    } else if (emulator instanceof CloudStorageEmulator storage) {
      uri = URI.create(storage.baseUrl());
    } else {
      throw new AssertionError("not an emulator: " + emulator);
    }
    return uri.getPort();
  }

  private static boolean isListening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  /** Run only through {@link #run}: surefire leaves nested classes alone. */
  @ExtendWith(EmulatorExtension.class)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class WithDefaults {
    @Test
    @Order(1)
    void first(
        StsEmulator sts,
        StsEmulator stsAgain,
        PodIdentityAgentEmulator pod,
        VaultEmulator vault,
        EntraEmulator entra,
        OidcIssuer oidc,
        GkeMetadataServerEmulator gke,
        CloudStorageEmulator storage,
        VirtualTime time) {
      Map<String, Object> given = new HashMap<>();
      given.put("sts", sts);
      given.put("sts again", stsAgain);
      given.put("time", time);
      for (Object emulator : List.of(sts, pod, vault, entra, oidc, gke, storage)) {
        int port = portOf(emulator);
        assertThat(isListening(port)).as("%s during its test", emulator).isTrue();
        given.put(emulator.getClass().getSimpleName() + " port", port);
      }
      GIVEN.put("first", given);
    }

    @Test
    @Order(2)
    void second(StsEmulator sts) {
      int port = portOf(sts);
      assertThat(isListening(port)).isTrue();
      GIVEN.put("second", Map.of("sts", sts, "sts port", port));
    }
  }

  /** Run only through {@link #run}. */
  @ExtendWith(EmulatorExtension.class)
  static class StorageAndMetadata {
    private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    @Test
    void readsAnObjectWithTheMetadataServersToken(
        GkeMetadataServerEmulator gke, CloudStorageEmulator storage) throws Exception {
      HttpResponse<String> minted =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          gke.baseUrl()
                              + "/computeMetadata/v1/instance/service-accounts/default/token"))
                  .header("Metadata-Flavor", "Google")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher token = TOKEN.matcher(minted.body());
      assertThat(token.find()).as("a token in %s", minted.statusCode()).isTrue();

      HttpResponse<Void> read =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(storage.objectUrl("acme", "q1.csv")))
                  .header("Authorization", "Bearer " + token.group(1))
                  .build(),
              HttpResponse.BodyHandlers.discarding());

      assertThat(storage.environment()).containsEntry("STORAGE_EMULATOR_HOST", storage.baseUrl());
      GIVEN.put("storage", Map.of("status", read.statusCode()));
    }
  }

  /** Run only through {@link #run}. */
  static class Configured {
    static volatile int port;

    @RegisterExtension
    static final EmulatorExtension EMULATORS =
        EmulatorExtension.create().gkeMetadata(gke -> gke.port(port));

    @Test
    void runsOnTheFixedPort(GkeMetadataServerEmulator gke) {
      GIVEN.put("configured", Map.of("port", URI.create(gke.baseUrl()).getPort()));
    }
  }

  /** Run only through {@link #run}. */
  @ExtendWith(EmulatorExtension.class)
  static class AnotherType {
    @Test
    void wantsAString(String notAnEmulator) {}
  }
}
