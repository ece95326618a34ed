package dev.ephemera.testkit.gcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.emulator.Emulator;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.emulator.Journal;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sliver of the Cloud Storage JSON API on loopback HTTP, enough to prove a token is usable:
 * {@code GET /storage/v1/b/{bucket}/o/{object}} answers the object's metadata when the bearer token
 * is live in the shared {@link GoogleTokenRegistry} ({@code 401} otherwise) and, for a downscoped
 * token, its access boundary makes the object available ({@code 403} otherwise). A boundary rule is
 * honoured when its {@code availableResource} is the bucket and its condition, if any, is {@code
 * resource.name.startsWith('...')}; any other condition denies.
 */
public final class CloudStorageEmulator implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern PATH = Pattern.compile("/storage/v1/b/([^/]+)/o/(.+)");
  private static final Pattern STARTS_WITH =
      Pattern.compile("\\s*resource\\.name\\.startsWith\\('([^']*)'\\)\\s*");

  private final GoogleTokenRegistry registry;
  private final Emulator emulator;

  private CloudStorageEmulator(Clock clock, GoogleTokenRegistry registry, int port) {
    this.registry = registry;
    this.emulator =
        Emulator.builder("cloud-storage", new Protocol()).clock(clock).port(port).start();
  }

  /**
   * Starts the endpoint, checking tokens against {@code registry}.
   *
   * @param registry the registry
   * @return the running emulator
   */
  public static CloudStorageEmulator start(GoogleTokenRegistry registry) {
    return start(registry, 0);
  }

  /**
   * Starts the endpoint on a fixed loopback port, checking tokens against {@code registry}.
   *
   * @param registry the registry
   * @param port the port, 0..65535 (0: any free port)
   * @return the running emulator
   */
  public static CloudStorageEmulator start(GoogleTokenRegistry registry, int port) {
    Objects.requireNonNull(registry, "registry");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535: " + port);
    }
    return new CloudStorageEmulator(registry.clock(), registry, port);
  }

  /** {@return {@code http://127.0.0.1:PORT}: the Storage root URL} */
  public String baseUrl() {
    return emulator.baseUrl();
  }

  /**
   * {@return {@code STORAGE_EMULATOR_HOST}, the variable Google's Storage clients read for another
   * root URL, set to this emulator}
   */
  public Map<String, String> environment() {
    return Map.of("STORAGE_EMULATOR_HOST", baseUrl());
  }

  /**
   * {@return the URL of an object's metadata}
   *
   * @param bucket the bucket name
   * @param object the object
   */
  public String objectUrl(String bucket, String object) {
    return baseUrl() + "/storage/v1/b/" + bucket + "/o/" + object;
  }

  /** {@return faults to inject} */
  public FaultPlan faults() {
    return emulator.faults();
  }

  /** {@return what was received, with each request's {@code Authorization} header} */
  public Journal journal() {
    return emulator.journal();
  }

  @Override
  public void close() {
    emulator.close();
  }

  @Override
  public String toString() {
    return "CloudStorageEmulator[" + baseUrl() + "]";
  }

  /** Whether {@code boundaryJson} makes {@code bucket/object} available. */
  static boolean allows(String boundaryJson, String bucket, String object) {
    JsonNode boundary;
    try {
      boundary = MAPPER.readTree(boundaryJson);
    } catch (JsonProcessingException e) {
      return false;
    }
    String resource = "//storage.googleapis.com/projects/_/buckets/" + bucket;
    for (JsonNode rule : boundary.path("accessBoundaryRules")) {
      if (!resource.equals(rule.path("availableResource").asText())) {
        continue;
      }
      JsonNode condition = rule.path("availabilityCondition");
      if (condition.isMissingNode() || condition.isNull()) {
        return true;
      }
      Matcher m = STARTS_WITH.matcher(condition.path("expression").asText(""));
      if (m.matches()
          && ("projects/_/buckets/" + bucket + "/objects/" + object).startsWith(m.group(1))) {
        return true;
      }
    }
    return false;
  }

  private static EmulatedResponse apiError(int status, String message) {
    return EmulatedResponse.json(
        status,
        "{\"error\":{\"code\":"
            + status
            + ",\"message\":\""
            + GoogleStsEmulator.jsonEscape(message)
            + "\",\"errors\":[{\"message\":\""
            + GoogleStsEmulator.jsonEscape(message)
            + "\",\"domain\":\"global\",\"reason\":\""
            + (status == 401 ? "required" : status == 403 ? "forbidden" : "backendError")
            + "\"}]}}");
  }

  private final class Protocol implements EmulatedProtocol {
    @Override
    public EmulatedResponse handle(EmulatedRequest r) {
      Matcher m = PATH.matcher(r.path());
      if (!r.method().equals("GET") || !m.matches()) {
        return apiError(404, "Not Found");
      }
      String header = r.header("authorization").orElse("");
      Optional<GoogleToken> token =
          header.regionMatches(true, 0, "Bearer ", 0, 7)
              ? registry.lookup(header.substring(7).strip())
              : Optional.empty();
      if (token.isEmpty()) {
        return apiError(401, "Invalid Credentials");
      }
      String bucket = m.group(1);
      String object = m.group(2);
      Optional<String> boundary = token.get().boundary();
      if (boundary.isPresent() && !allows(boundary.get(), bucket, object)) {
        return apiError(
            403,
            token.get().principal()
                + " does not have storage.objects.get access to the Google Cloud Storage object.");
      }
      return EmulatedResponse.json(
          200,
          "{\"kind\":\"storage#object\",\"bucket\":\""
              + bucket
              + "\",\"name\":\""
              + object
              + "\",\"size\":\"0\"}");
    }

    @Override
    public EmulatedResponse error(int status, EmulatedRequest request) {
      return apiError(status, "Backend Error");
    }

    @Override
    public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
      return apiError(429, "The rate of change requests is too high.")
          .withHeader("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())));
    }

    @Override
    public EmulatedResponse expiredCredential(EmulatedRequest request) {
      return apiError(401, "Invalid Credentials");
    }
  }
}
