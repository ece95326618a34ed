package dev.ephemera.aws.internal;

import dev.ephemera.aws.AwsSessionCredential;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.ErrorText;
import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.ProjectedToken;
import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.core.spi.http.HttpDate;
import dev.ephemera.core.spi.http.RetryAfter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * EKS Pod Identity: one {@code GET} to the node's agent per issuance, with the projected
 * authorization token re-read from its file every time and sent raw (no {@code Bearer} prefix).
 *
 * <p>The exchange is {@link AgentHttp}'s: a shared {@code java.net.http} client without a proxy
 * (the agent is link-local), the body read through core's bounded read, the answer bounded in time.
 * Error answers are classified by {@link PodIdentityFailures}; a {@code Retry-After} on a throttled
 * or transient answer is read by core's {@link RetryAfter}.
 *
 * <p>The agent stamps an absolute {@code Expiration} on its own clock; its HTTP {@code Date} header
 * is passed on as {@link IssueResult#upstreamTime()} and dates the credential, so a local wall
 * clock that is off neither stops the source nor stretches the credential. A {@code Date} that does
 * not parse is not trusted: the credential is then dated on the local clock.
 */
public final class PodIdentityIssuer implements CredentialIssuer<AwsSessionCredential> {
  /** The provider name in audit events. */
  public static final String PROVIDER = "aws-pod-identity";

  /** The most of an error body kept as text (for the code and the sanitized message). */
  private static final int MAX_TEXT = 64 * 1024;

  private final URI endpoint;
  private final Path tokenFile;
  private final String tokenFileSetting;
  private final Duration connectTimeout;
  private final AgentHttp http;
  private final Clock clock;
  private volatile IssuerInfo info;

  /**
   * An issuer for an already checked endpoint.
   *
   * @param connectTimeout the most connecting may take
   * @param readTimeout the most one answer may take, headers and body, connecting included
   */
  public PodIdentityIssuer(
      URI endpoint,
      Path tokenFile,
      String tokenFileSetting,
      Duration connectTimeout,
      Duration readTimeout,
      Clock clock) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.tokenFile = Objects.requireNonNull(tokenFile, "tokenFile");
    this.tokenFileSetting = Objects.requireNonNull(tokenFileSetting, "tokenFileSetting");
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.http = new AgentHttp(connectTimeout, readTimeout, BoundedBody.DEFAULT_LIMIT);
    this.clock = Objects.requireNonNull(clock, "clock");
    String sub;
    try {
      sub = ProjectedToken.read(tokenFile, tokenFileSetting).subject();
    } catch (RuntimeException e) {
      sub = "";
    }
    this.info = IssuerInfo.of(PROVIDER, sub, endpoint.toString());
  }

  @Override
  public AwsSessionCredential issue() {
    return issueResult().credential();
  }

  @Override
  public IssueResult<AwsSessionCredential> issueResult() {
    // The token's expiry is the agent's to judge, on its clock: only its form is checked here.
    ProjectedToken token = ProjectedToken.read(tokenFile, tokenFileSetting);
    if (!token.subject().equals(info.principal())) {
      info = info.withPrincipal(token.subject());
    }
    Secret jwt = token.token();
    if (jwt.reveal().indexOf('\r') >= 0 || jwt.reveal().indexOf('\n') >= 0) {
      throw new CredentialConfigurationException(
          tokenFileSetting,
          "holds a token with a line break inside; it cannot be sent as a header");
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .GET()
            .header("Authorization", jwt.reveal())
            .header("Accept", "application/json");
    AgentHttp.Answer answer;
    try {
      answer = http.get(request, "the answer of the EKS Pod Identity agent at " + endpoint);
    } catch (HttpConnectTimeoutException e) {
      throw new CredentialUnavailableException(
          Reason.TIMEOUT,
          "cannot connect to the EKS Pod Identity agent at "
              + endpoint
              + " in time (connectTimeout "
              + connectTimeout
              + ", readTimeout "
              + http.readTimeout()
              + ")",
          ErrorText.scrub(e));
    } catch (HttpTimeoutException e) {
      throw new CredentialUnavailableException(
          Reason.TIMEOUT,
          "the EKS Pod Identity agent at "
              + endpoint
              + " did not answer within "
              + http.readTimeout()
              + " (readTimeout)",
          ErrorText.scrub(e));
    } catch (BoundedBody.TooLargeException e) {
      throw new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "the EKS Pod Identity agent at "
              + endpoint
              + " answered with a body longer than "
              + e.limit()
              + " bytes; refused after reading that much",
          null);
    } catch (IOException e) {
      throw new CredentialUnavailableException(
          Reason.UNAVAILABLE,
          "cannot reach the EKS Pod Identity agent at " + endpoint + ": " + ErrorText.describe(e),
          ErrorText.scrub(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CredentialUnavailableException(
          Reason.TIMEOUT, "interrupted while asking the EKS Pod Identity agent", null);
    }
    byte[] raw = answer.body();
    String body = new String(raw, 0, Math.min(raw.length, MAX_TEXT), StandardCharsets.UTF_8);
    Instant upstreamTime =
        answer.headers().firstValue("Date").flatMap(HttpDate::parse).orElse(null);
    if (answer.status() != 200) {
      throw failure(answer, body, upstreamTime, jwt);
    }
    return IssueResult.of(parse(new String(raw, StandardCharsets.UTF_8), upstreamTime, jwt))
        .withUpstreamTime(upstreamTime);
  }

  private CredentialUnavailableException failure(
      AgentHttp.Answer answer, String body, @Nullable Instant upstreamTime, Secret jwt) {
    int status = answer.status();
    Reason reason = PodIdentityFailures.reasonFor(status, body);
    Duration retryAfter = null;
    if (reason == Reason.THROTTLED || reason == Reason.UNAVAILABLE) {
      // a date is counted from the agent's own clock when it said what that is
      Instant now = upstreamTime != null ? upstreamTime : clock.instant();
      retryAfter =
          RetryAfter.parse(answer.headers().firstValue("Retry-After").orElse(null), now)
              .orElse(null);
    }
    String text = ErrorText.sanitize(body, jwt);
    return new CredentialUnavailableException(
        reason,
        "the EKS Pod Identity agent at "
            + endpoint
            + " answered HTTP "
            + status
            + (text.isEmpty() ? "" : ": " + text),
        retryAfter,
        null);
  }

  // package-private for the fuzz target
  AwsSessionCredential parse(String body, @Nullable Instant upstreamTime, Secret jwt) {
    JsonNode root;
    try {
      root = JsonNodeParser.create().parse(body);
    } catch (RuntimeException e) {
      throw malformed("a body that is not JSON", null);
    }
    if (root == null) { // the SDK's parser answers an empty body with no node at all
      throw malformed("an empty body", null);
    }
    if (!root.isObject()) {
      throw malformed("JSON that is not an object", null);
    }
    Map<String, JsonNode> fields = root.asObject();
    String accessKeyId = text(fields, "AccessKeyId");
    String secretKey = text(fields, "SecretAccessKey");
    String sessionToken = text(fields, "Token");
    String expiration = text(fields, "Expiration");
    Instant expiresAt;
    try {
      expiresAt = PodIdentityExpirations.parse(expiration);
    } catch (DateTimeException e) {
      throw malformed(
          "an Expiration that is not RFC 3339: '" + ErrorText.sanitize(expiration, jwt) + "'", e);
    }
    Instant now = upstreamTime != null ? upstreamTime : clock.instant();
    AwsSessionCredential.Builder b =
        AwsSessionCredential.builder()
            .accessKeyId(accessKeyId)
            .secretAccessKey(Secret.of(secretKey))
            .sessionToken(Secret.of(sessionToken))
            .issuedAt(now.isBefore(expiresAt) ? now : expiresAt)
            .expiresAt(expiresAt)
            .providerName("Ephemera-PodIdentity");
    JsonNode account = fields.get("AccountId");
    if (account != null && account.isString() && !account.asString().isBlank()) {
      b.accountId(account.asString());
    }
    return b.build();
  }

  private String text(Map<String, JsonNode> fields, String name) {
    JsonNode n = fields.get(name);
    if (n == null || !n.isString() || n.asString().isBlank()) {
      throw malformed("no " + name, null);
    }
    return n.asString();
  }

  private CredentialUnavailableException malformed(String what, @Nullable Throwable cause) {
    return new CredentialUnavailableException(
        Reason.MALFORMED_RESPONSE,
        "the EKS Pod Identity agent at " + endpoint + " answered 200 with " + what,
        cause == null ? null : ErrorText.scrub(cause));
  }

  @Override
  public IssuerInfo describe() {
    return info;
  }

  @Override
  public String toString() {
    return "PodIdentityIssuer[endpoint=" + endpoint + ", tokenFile=" + tokenFile + "]";
  }
}
