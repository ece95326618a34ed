package dev.ephemera.examples.azure;

import dev.ephemera.testkit.azure.EntraEmulator;
import dev.ephemera.testkit.azure.IssuedToken;
import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.emulator.Emulator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blob storage's Get Blob on loopback HTTPS (the account in the path, as for Azurite), answering
 * only a request whose {@code Authorization: Bearer} token is one the Entra emulator issued for
 * Storage and that has not expired: the token's {@code uti} claim must be in {@link
 * EntraEmulator#issued()} with scope {@code https://storage.azure.com/.default}. Anything else is
 * Storage's 401.
 */
final class FakeBlobStorage implements EmulatedProtocol, AutoCloseable {
  static final String ACCOUNT = "acmeledger";
  private static final Pattern UTI = Pattern.compile("\"uti\"\\s*:\\s*\"([^\"]+)\"");

  private final EntraEmulator entra;
  private final Clock clock;
  private final Map<String, String> blobs = new ConcurrentHashMap<>();
  private final List<String> tokensSeen = new CopyOnWriteArrayList<>();
  private final List<String> refusals = new CopyOnWriteArrayList<>();
  private final Emulator server;

  FakeBlobStorage(EntraEmulator entra, Clock clock) {
    this.entra = entra;
    this.clock = clock;
    this.server = Emulator.builder("blob", this).clock(clock).https(true).start();
  }

  FakeBlobStorage blob(String container, String name, String content) {
    blobs.put(container + "/" + name, content);
    return this;
  }

  /** The value for {@code AZURE_STORAGE_BLOB_ENDPOINT}. */
  String endpoint() {
    return server.baseUrl() + "/" + ACCOUNT;
  }

  /** The {@code uti} of each token that was accepted, in order. */
  List<String> tokensSeen() {
    return List.copyOf(tokensSeen);
  }

  List<String> refusals() {
    return List.copyOf(refusals);
  }

  @Override
  public EmulatedResponse handle(EmulatedRequest request) {
    String auth = request.header("Authorization").orElse("");
    if (!auth.startsWith("Bearer ")) {
      return refuse(401, "NoAuthenticationInformation", "no bearer token");
    }
    Optional<IssuedToken> token = issuedFor(auth.substring("Bearer ".length()));
    if (token.isEmpty()) {
      return refuse(401, "InvalidAuthenticationInfo", "not a token Entra issued");
    }
    if (!token.get().scope().equals("https://storage.azure.com/.default")
        || !clock.instant().isBefore(token.get().expiresAt())) {
      return refuse(401, "InvalidAuthenticationInfo", "wrong audience or expired");
    }
    List<String> path = request.pathSegments();
    if (!request.method().equals("GET") || path.size() != 3 || !path.get(0).equals(ACCOUNT)) {
      return refuse(400, "UnsupportedHttpVerb", request.method() + " " + request.path());
    }
    String content = blobs.get(path.get(1) + "/" + path.get(2));
    if (content == null) {
      return refuse(404, "BlobNotFound", request.path());
    }
    tokensSeen.add(token.get().uti());
    int length = content.getBytes(StandardCharsets.UTF_8).length;
    boolean ranged =
        request.header("x-ms-range").isPresent() || request.header("Range").isPresent();
    EmulatedResponse response =
        new EmulatedResponse(
            ranged ? 206 : 200,
            Map.of(
                "Content-Type", "application/octet-stream",
                "Content-Length", Integer.toString(length),
                "ETag", "\"0x8DC0000000000001\"",
                "Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT",
                "x-ms-blob-type", "BlockBlob",
                "x-ms-version", request.header("x-ms-version").orElse("2025-01-05"),
                "x-ms-request-id", "00000000-0000-0000-0000-000000000001"),
            content);
    return ranged
        ? response.withHeader("Content-Range", "bytes 0-" + (length - 1) + "/" + length)
        : response;
  }

  private Optional<IssuedToken> issuedFor(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    String claims;
    try {
      claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Matcher m = UTI.matcher(claims);
    if (!m.find()) {
      return Optional.empty();
    }
    String uti = m.group(1);
    return entra.issued().stream().filter(t -> t.uti().equals(uti)).findFirst();
  }

  private EmulatedResponse refuse(int status, String code, String message) {
    refusals.add(code + ": " + message);
    return error(status, code, message);
  }

  private static EmulatedResponse error(int status, String code, String message) {
    return new EmulatedResponse(
        status,
        Map.of("Content-Type", "application/xml", "x-ms-error-code", code),
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>"
            + code
            + "</Code><Message>"
            + message
            + "</Message></Error>");
  }

  @Override
  public EmulatedResponse error(int status, EmulatedRequest request) {
    return error(status, "InternalError", "injected");
  }

  @Override
  public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
    return error(503, "ServerBusy", "injected")
        .withHeader("Retry-After", Long.toString(retryAfter.toSeconds()));
  }

  @Override
  public EmulatedResponse expiredCredential(EmulatedRequest request) {
    return error(401, "InvalidAuthenticationInfo", "Lifetime validation failed");
  }

  @Override
  public void close() {
    server.close();
  }
}
