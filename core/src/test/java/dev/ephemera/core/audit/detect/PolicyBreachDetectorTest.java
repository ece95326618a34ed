package dev.ephemera.core.audit.detect;

import static dev.ephemera.core.audit.detect.Events.at;
import static dev.ephemera.core.audit.detect.Events.credential;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyBreachDetectorTest {

  private final Events.Recorder out = new Events.Recorder();

  private static AuditEvent issued(String id, Duration at, Duration lifetime, String scope) {
    return at(AuditEventType.ISSUED, "orders", at)
        .issuer(Events.ISSUER.withScope(scope))
        .credential(credential(id, at, lifetime))
        .build();
  }

  @Test
  void onEvent_whenALifetimeIsOverPolicy_reportsItOncePerCredential() {
    PolicyBreachDetector d = PolicyBreachDetector.builder().build(out);

    d.onEvent(issued("AKIA1", ofMinutes(0), ofHours(36), ""));
    d.onEvent(
        at(AuditEventType.RENEWED, "orders", ofMinutes(45))
            .credential(credential("AKIA1", ofMinutes(0), ofHours(36)))
            .build());

    out.single(PolicyBreachDetector.LIFETIME_OVER_POLICY);
    assertThat(out.evidence())
        .isEqualTo("lifetime=PT36H, issuedAt=2030-01-01T00:00:00Z, expiresAt=2030-01-02T12:00:00Z");
    assertThat(out.threshold()).isEqualTo("maxLifetime=PT12H, provider=aws-irsa");
  }

  @Test
  void onEvent_aProvidersOwnMaximumOverridesTheDefault() {
    PolicyBreachDetector d =
        PolicyBreachDetector.builder().maxLifetime("aws-irsa", ofHours(1)).build(out);

    d.onEvent(issued("AKIA1", ofMinutes(0), ofHours(2), ""));

    out.single(PolicyBreachDetector.LIFETIME_OVER_POLICY);
    assertThat(out.threshold()).isEqualTo("maxLifetime=PT1H, provider=aws-irsa");
  }

  @Test
  void onEvent_whenAScopeIsNotAllowedForTheSource_reportsScopeOverPolicy() {
    PolicyBreachDetector d =
        PolicyBreachDetector.builder()
            .allowedScopes("orders", List.of("s3:read", "sqs:send"))
            .build(out);

    d.onEvent(issued("AKIA1", ofMinutes(0), ofHours(1), "s3:read s3:write,iam:*"));

    out.single(PolicyBreachDetector.SCOPE_OVER_POLICY);
    assertThat(out.evidence()).isEqualTo("scope=s3:read s3:write,iam:*, notAllowed=s3:write iam:*");
    assertThat(out.threshold()).isEqualTo("allowedScopes=s3:read sqs:send");
  }

  @Test
  void onEvent_anUnscopedCredentialIsBroaderThanAnyAllowedSet() {
    PolicyBreachDetector d =
        PolicyBreachDetector.builder().allowedScopes("orders", Set.of("s3:read")).build(out);

    d.onEvent(issued("AKIA1", ofMinutes(0), ofHours(1), ""));

    out.single(PolicyBreachDetector.SCOPE_OVER_POLICY);
    assertThat(out.evidence()).isEqualTo("scope=(unscoped), notAllowed=(unscoped)");
  }

  @Test
  void onEvent_whenThePredicateRefuses_reportsScopeOverPolicy() {
    PolicyBreachDetector d =
        PolicyBreachDetector.builder()
            .scopeAllowed(e -> !e.scope().contains(".default"))
            .build(out);

    d.onEvent(issued("tok1", ofMinutes(0), ofHours(1), "https://graph.microsoft.com/.default"));

    out.single(PolicyBreachDetector.SCOPE_OVER_POLICY);
    assertThat(out.threshold()).isEqualTo("scopePolicy=refused by the configured predicate");
  }

  @Test
  void onEvent_aPredicateThatThrows_isIgnored() {
    PolicyBreachDetector d =
        PolicyBreachDetector.builder()
            .scopeAllowed(
                e -> {
                  throw new IllegalStateException("broken rule");
                })
            .build(out);

    d.onEvent(issued("tok1", ofMinutes(0), ofHours(1), "x"));

    assertThat(out.events).isEmpty();
  }

  @Test
  void onEvent_twelveHourCredentialsWithAllowedScopesEvery45MinutesForADay_reportNothing() {
    PolicyBreachDetector d =
        PolicyBreachDetector.builder().allowedScopes("orders", Set.of("s3:read")).build(out);

    int i = 0;
    for (Duration t = Duration.ZERO; t.compareTo(Duration.ofDays(1)) < 0; t = t.plusMinutes(45)) {
      d.onEvent(issued("AKIA" + i++, t, ofHours(12), "s3:read"));
      d.onEvent(
          at(AuditEventType.ISSUED, "other", t)
              .issuer(IssuerInfo.of("gcp", "p", "t"))
              .credential(credential("ya29." + i, t, ofHours(1)))
              .build());
    }

    assertThat(out.events).isEmpty();
  }

  @Test
  void onEvent_trackingMoreReportedCredentialsThanTheCap_evictsTheLeastRecentlySeen() {
    PolicyBreachDetector d = PolicyBreachDetector.builder().maxTracked(10).build(out);

    for (int i = 0; i < 100; i++) {
      d.onEvent(issued("c" + i, ofMinutes(i), ofHours(24), ""));
    }

    assertThat(out.events).hasSize(100);
    assertThat(d.tracked()).isEqualTo(10);
  }

  @Test
  void builder_rejectsBadSettingsNamingThem() {
    PolicyBreachDetector.Builder b = PolicyBreachDetector.builder();

    assertThatThrownBy(() -> b.maxLifetime(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLifetime must be positive: PT0S");
    assertThatThrownBy(() -> b.maxLifetime("aws-irsa", ofHours(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLifetime must be positive: PT-1H");
    assertThatThrownBy(() -> b.allowedScopes("orders", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("allowedScopes must not be empty for orders");
    assertThatThrownBy(() -> b.allowedScopes("orders", List.of(" ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("allowedScopes must not hold a blank scope for orders");
    assertThatThrownBy(() -> b.maxTracked(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTracked must be at least 1: 0");
  }
}
