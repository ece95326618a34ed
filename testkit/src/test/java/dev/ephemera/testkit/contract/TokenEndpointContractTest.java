package dev.ephemera.testkit.contract;

import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.internal.Json;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.ErrorText;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.http.RetryAfter;
import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.emulator.Emulator;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.time.VirtualTime;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs the contract against a minimal OAuth-style token endpoint over real HTTP: proves the
 * contract kit itself and the engine with the shared emulator machinery.
 */
class TokenEndpointContractTest extends CredentialSourceContract<BearerToken> {

  @Override
  protected ContractFixture<BearerToken> fixture(VirtualTime time) {
    return new Fixture(time);
  }

  /** A token endpoint: POST /token answers {"access_token":..., "expires_in":3600}. */
  static final class TokenProtocol implements EmulatedProtocol {
    private final Clock clock;

    TokenProtocol(Clock clock) {
      this.clock = clock;
    }

    @Override
    public EmulatedResponse handle(EmulatedRequest request) {
      return token(3600);
    }

    EmulatedResponse token(long expiresIn) {
      return EmulatedResponse.json(
          200,
          "{\"access_token\":\"tok-"
              + UUID.randomUUID()
              + "-"
              + clock.millis()
              + "\",\"expires_in\":"
              + expiresIn
              + "}");
    }

    @Override
    public EmulatedResponse error(int status, EmulatedRequest request) {
      return EmulatedResponse.json(status, "{\"error\":\"server_error\"}");
    }

    @Override
    public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
      return EmulatedResponse.json(429, "{\"error\":\"slow_down\"}")
          .withHeader("Retry-After", Long.toString(retryAfter.toSeconds()));
    }

    @Override
    public EmulatedResponse expiredCredential(EmulatedRequest request) {
      return token(0);
    }
  }

  /** The matching issuer, on java.net.http. */
  static final class TokenIssuer implements CredentialIssuer<BearerToken> {
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI uri;
    private final Clock clock;

    TokenIssuer(URI uri, Clock clock) {
      this.uri = uri;
      this.clock = clock;
    }

    @Override
    public BearerToken issue() {
      HttpResponse<String> response;
      try {
        response =
            http.send(
                HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new CredentialUnavailableException(
            Reason.UNAVAILABLE, "token endpoint unreachable: " + ErrorText.describe(e), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CredentialUnavailableException(Reason.TIMEOUT, "interrupted", e);
      }
      if (response.statusCode() == 429) {
        Duration hint =
            RetryAfter.parse(
                    response.headers().firstValue("Retry-After").orElse(null), clock.instant())
                .orElse(null);
        throw new CredentialUnavailableException(Reason.THROTTLED, "throttled", hint, null);
      }
      if (response.statusCode() != 200) {
        throw new CredentialUnavailableException(
            response.statusCode() >= 500 ? Reason.UNAVAILABLE : Reason.REJECTED,
            "token endpoint answered "
                + response.statusCode()
                + ": "
                + ErrorText.sanitize(response.body()));
      }
      Instant now = clock.instant();
      try {
        Map<String, Object> json = Json.parseObject(response.body());
        if (json.get("access_token") instanceof String token
            && json.get("expires_in") instanceof BigDecimal expiresIn) {
          return BearerToken.of(Secret.of(token), now, now.plusSeconds(expiresIn.longValueExact()));
        }
        throw new IllegalArgumentException("missing fields");
      } catch (RuntimeException e) {
        throw new CredentialUnavailableException(
            Reason.MALFORMED_RESPONSE, "token endpoint sent an unparseable body");
      }
    }

    @Override
    public IssuerInfo describe() {
      return IssuerInfo.of("test-token-endpoint", "test-workload", uri.toString());
    }
  }

  private static final class Fixture implements ContractFixture<BearerToken> {
    private final Emulator emulator;
    private final TokenIssuer issuer;

    Fixture(VirtualTime time) {
      emulator =
          Emulator.builder("token", new TokenProtocol(time.upstreamClock()))
              .clock(time.upstreamClock())
              .start();
      issuer = new TokenIssuer(URI.create(emulator.baseUrl() + "/token"), time.clock());
    }

    @Override
    public CredentialIssuer<BearerToken> issuer() {
      return issuer;
    }

    @Override
    public FaultPlan faults() {
      return emulator.faults();
    }

    @Override
    public int upstreamCalls() {
      return emulator.journal().count("POST", "/token");
    }

    @Override
    public Duration lifetime() {
      return Duration.ofHours(1);
    }

    @Override
    public List<String> secretValues(BearerToken credential) {
      return List.of(credential.token().reveal());
    }

    @Override
    public void close() {
      emulator.close();
    }
  }
}
