package dev.ephemera.azure.internal;

import com.microsoft.aad.msal4j.MsalServiceException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.ErrorText;
import dev.ephemera.core.spi.ProjectedToken;
import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.core.spi.http.StatusReasons;
import dev.ephemera.core.spi.http.WireRecorder;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns a failed token request into a classified, sanitized {@link CredentialUnavailableException}.
 *
 * <p>What happened on the wire comes from core's {@link WireRecorder}, fed by {@link
 * MsalHttpBridge}: the status, Entra's error JSON ({@code error}, {@code error_codes}, {@code
 * error_description}), {@code Retry-After} (core's one reading, {@link
 * WireRecorder.Exchange#retryAfter}) and the I/O failure; only when nothing was recorded is the
 * {@link MsalServiceException} MSAL threw read instead. Microsoft asks clients to branch on {@code
 * error}: Entra's own tables come first ({@code temporarily_unavailable} and {@code server_error}
 * transient; the {@code AADSTS} codes that tell a wrong setting, terminal {@code CONFIGURATION},
 * from a refused identity, terminal {@code REJECTED}; the OAuth refusals), and the status falls
 * back to core's {@link StatusReasons} table, where Entra documents nothing different: 429
 * throttled and 5xx unavailable before any code, 404/405 configuration, 408 timeout, any other 4xx
 * rejected. A body longer than the bridge reads is a malformed response.
 */
final class EntraFailures {
  private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");
  private static final Set<Long> NO_MATCHING_RECORD =
      Set.of(70021L, 700211L, 700212L, 7002121L, 700213L, 7002137L, 7002138L);
  private static final Set<Long> UNKNOWN_APPLICATION = Set.of(700016L, 700011L);
  private static final Set<String> TRANSIENT = Set.of("temporarily_unavailable", "server_error");
  private static final StatusReasons STATUS = StatusReasons.standard();
  private static final Set<String> REFUSALS =
      Set.of(
          "invalid_client",
          "unauthorized_client",
          "invalid_grant",
          "invalid_request",
          "unsupported_grant_type",
          "access_denied");

  private final WorkloadIdentitySettings settings;
  private final String scope;
  private final Clock clock;

  EntraFailures(WorkloadIdentitySettings settings, String scope, Clock clock) {
    this.settings = settings;
    this.scope = scope;
    this.clock = clock;
  }

  /**
   * The exception for {@code failure}.
   *
   * @param wire what the issuance's requests did on the wire
   */
  CredentialUnavailableException classify(
      Throwable failure, WireRecorder.Exchange wire, ProjectedToken assertion) {
    Throwable error = unwrap(failure);
    Secret secret = assertion.token();
    MsalHttpBridge.ForeignHostException foreign =
        find(error, MsalHttpBridge.ForeignHostException.class);
    if (foreign != null) {
      return new CredentialUnavailableException(
          Reason.CONFIGURATION,
          "MSAL "
              + ErrorText.sanitize(foreign.getMessage())
              + "; turn instance discovery off or check "
              + settings.authorityHostSetting(),
          ErrorText.scrub(error));
    }
    BoundedBody.TooLargeException tooLarge =
        wire.failure().orElse(null) instanceof BoundedBody.TooLargeException t
            ? t
            : find(error, BoundedBody.TooLargeException.class);
    if (tooLarge != null) {
      return new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "Entra ID at "
              + settings.authorityHost()
              + " answered the token request for "
              + scope
              + " with a body longer than the "
              + tooLarge.limit()
              + " bytes read from it"
              + (wire.status() > 0 ? " (HTTP " + wire.status() + ")" : ""),
          ErrorText.scrub(error));
    }
    MsalServiceException service = find(error, MsalServiceException.class);
    if (wire.failure().isPresent() || (wire.status() < 0 && service == null)) {
      return transport(error);
    }
    if (wire.status() >= 200 && wire.status() < 300) {
      return new CredentialUnavailableException(
          Reason.MALFORMED_RESPONSE,
          "Entra ID answered the token request for "
              + scope
              + " with a body MSAL could not read ("
              + ErrorText.describe(error)
              + ")",
          ErrorText.scrub(error));
    }
    Upstream up = wire.status() > 0 ? Upstream.of(wire) : Upstream.of(service);
    String said = ErrorText.sanitize(up.description, secret);
    String code = up.codes.isEmpty() ? "" : "AADSTS" + up.codes.get(0) + " ";
    String what =
        code
            + (up.error.isEmpty() ? "" : "(" + up.error + ") ")
            + "HTTP "
            + up.status
            + (said.isEmpty() ? "" : "; Entra said \"" + said + "\"");
    Duration retryAfter = retryAfter(wire);
    Throwable cause = ErrorText.scrub(error);
    // Entra documents nothing that differs from the standard table; a status Entra did not send
    // (MSAL's exception without one) is no status at all
    Reason byStatus = up.status > 0 ? STATUS.reasonFor(up.status) : Reason.UNAVAILABLE;
    if (up.status > 0 && byStatus == Reason.THROTTLED) {
      return new CredentialUnavailableException(
          Reason.THROTTLED,
          "Entra ID throttled the token request for " + scope + ": " + what,
          retryAfter,
          cause);
    }
    if ((up.status > 0 && byStatus == Reason.UNAVAILABLE) || TRANSIENT.contains(up.error)) {
      return new CredentialUnavailableException(
          Reason.UNAVAILABLE,
          "Entra ID failed the token request for " + scope + ": " + what,
          retryAfter,
          cause);
    }
    if (up.codes.contains(700024L)) {
      return new CredentialUnavailableException(
          Reason.REJECTED,
          "Entra ID found the federated token from "
              + settings.tokenFileSetting()
              + " ("
              + settings.tokenFile()
              + ") outside its valid time range (it expires "
              + assertion.expiresAt()
              + "): is the kubelet rotating it, and is this node's clock right? "
              + what,
          null,
          cause);
    }
    if (up.codes.stream().anyMatch(NO_MATCHING_RECORD::contains)) {
      return new CredentialUnavailableException(
          Reason.REJECTED,
          "no federated identity credential of application "
              + settings.clientId()
              + " matches the projected service-account token (issuer "
              + assertion.issuer()
              + ", subject "
              + assertion.subject()
              + ", audiences "
              + assertion.audiences()
              + "); a credential created minutes ago may still be propagating. "
              + what,
          null,
          cause);
    }
    if (up.codes.stream().anyMatch(UNKNOWN_APPLICATION::contains)) {
      return new CredentialUnavailableException(
          Reason.CONFIGURATION,
          settings.clientIdSetting()
              + " names application "
              + settings.clientId()
              + ", which tenant "
              + settings.tenantId()
              + " does not know. "
              + what,
          null,
          cause);
    }
    if (up.codes.contains(90002L)) {
      return new CredentialUnavailableException(
          Reason.CONFIGURATION,
          settings.tenantIdSetting()
              + " names tenant "
              + settings.tenantId()
              + ", which "
              + settings.authorityHost()
              + " does not know (is it the right cloud?). "
              + what,
          null,
          cause);
    }
    if (up.error.equals("invalid_scope")) {
      return new CredentialUnavailableException(
          Reason.CONFIGURATION,
          "Entra ID rejected the scope "
              + scope
              + " (a client-credentials scope is one resource's \"/.default\"). "
              + what,
          null,
          cause);
    }
    if (byStatus == Reason.CONFIGURATION) {
      return new CredentialUnavailableException(
          Reason.CONFIGURATION,
          settings.authority()
              + " has no token endpoint; check "
              + settings.authorityHostSetting()
              + " and "
              + settings.tenantIdSetting()
              + ". "
              + what,
          null,
          cause);
    }
    if (byStatus == Reason.TIMEOUT) {
      return new CredentialUnavailableException(
          Reason.TIMEOUT,
          "Entra ID gave up waiting for the token request for " + scope + ": " + what,
          retryAfter,
          cause);
    }
    if (REFUSALS.contains(up.error) || byStatus == Reason.REJECTED) {
      return new CredentialUnavailableException(
          Reason.REJECTED,
          "Entra ID refused the token request of application "
              + settings.clientId()
              + " for "
              + scope
              + ": "
              + what,
          null,
          cause);
    }
    return new CredentialUnavailableException(
        Reason.UNAVAILABLE,
        "Entra ID failed the token request for " + scope + ": " + what,
        retryAfter,
        cause);
  }

  private CredentialUnavailableException transport(Throwable error) {
    boolean timeout =
        find(error, HttpTimeoutException.class) != null
            || find(error, TimeoutException.class) != null
            || find(error, java.net.SocketTimeoutException.class) != null;
    return new CredentialUnavailableException(
        timeout ? Reason.TIMEOUT : Reason.UNAVAILABLE,
        (timeout ? "Entra ID did not answer in time at " : "Entra ID could not be reached at ")
            + settings.authority()
            + ": "
            + ErrorText.describe(deepest(error)),
        ErrorText.scrub(error));
  }

  /** Entra's Retry-After by core's one reading, against Entra's own {@code Date} if it sent one. */
  private @Nullable Duration retryAfter(WireRecorder.Exchange wire) {
    return wire.status() > 0 ? wire.retryAfter(clock.instant()).orElse(null) : null;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static Throwable deepest(Throwable t) {
    Throwable e = t;
    for (int i = 0; i < 16 && e.getCause() != null && e.getCause() != e; i++) {
      e = e.getCause();
    }
    return e;
  }

  private static <T extends Throwable> @Nullable T find(Throwable t, Class<T> type) {
    Throwable e = t;
    for (int i = 0; i < 16 && e != null; i++) {
      if (type.isInstance(e)) {
        return type.cast(e);
      }
      e = e.getCause() == e ? null : e.getCause();
    }
    return null;
  }

  /** Entra's error, from the wire or from MSAL's exception. */
  private record Upstream(int status, String error, List<Long> codes, String description) {
    /** How much of an error body is read for its description and codes. */
    private static final int DESCRIPTION_CHARS = 4096;

    static Upstream of(WireRecorder.Exchange wire) {
      String body = wire.errorBody().orElse("");
      Map<String, Object> json = JsonObjects.parse(body);
      String error = "";
      String description;
      List<Long> codes = new ArrayList<>();
      if (json != null) {
        error = orEmpty(JsonObjects.string(json, "error"));
        description = orEmpty(JsonObjects.string(json, "error_description"));
        codes.addAll(JsonObjects.wholes(json, "error_codes"));
      } else {
        description = body;
      }
      description = prefix(description);
      if (codes.isEmpty()) {
        codes.addAll(codesIn(description));
      }
      return new Upstream(wire.status(), error, List.copyOf(codes), description);
    }

    static Upstream of(@Nullable MsalServiceException e) {
      if (e == null) {
        return new Upstream(0, "", List.of(), "");
      }
      String description = prefix(orEmpty(e.getMessage()));
      Integer status = e.statusCode();
      return new Upstream(
          status == null ? 0 : status,
          orEmpty(e.errorCode()).toLowerCase(Locale.ROOT),
          codesIn(description),
          description);
    }

    private static String prefix(String text) {
      return text.length() <= DESCRIPTION_CHARS ? text : text.substring(0, DESCRIPTION_CHARS);
    }

    private static List<Long> codesIn(String text) {
      List<Long> out = new ArrayList<>();
      Matcher m = AADSTS.matcher(text);
      while (m.find()) {
        try {
          out.add(Long.parseLong(m.group(1)));
        } catch (NumberFormatException ignored) {
          // an absurdly long number is no code
        }
      }
      return out;
    }

    private static String orEmpty(@Nullable String s) {
      return s == null ? "" : s;
    }
  }
}
