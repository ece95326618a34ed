package dev.ephemera.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.Secret;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** VaultToken, VaultLease, VaultSecret and VaultLogin: ids, validation, no secret in toString. */
class ValueTypesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void vaultToken_idIsTheAccessor_andToStringHidesTheToken() {
    VaultToken t =
        VaultToken.builder()
            .token(Secret.of("hvs.SECRETSECRETSECRET"))
            .accessor("acc-1")
            .issuedAt(T0)
            .expiresAt(T0.plusSeconds(3600))
            .renewable(true)
            .policies(List.of("default", "db"))
            .authPath("auth/kubernetes")
            .build();
    assertThat(t.id()).isEqualTo("acc-1");
    assertThat(t.toString()).contains("acc-1").doesNotContain("SECRET");
    assertThat(t.auditAttributes())
        .containsEntry("policies", "default,db")
        .containsEntry("authPath", "auth/kubernetes")
        .doesNotContainKey("ttlCapped");
    VaultToken capped = t.toBuilder().capped("TTL of \"1h\" exceeded").build();
    assertThat(capped.capped()).isTrue();
    assertThat(capped.id()).isEqualTo(t.id());
    assertThat(capped.auditAttributes()).containsKey("ttlCapped");
    assertThatThrownBy(() -> t.toBuilder().expiresAt(T0.minusSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VaultToken.builder().accessor("a").issuedAt(T0).expiresAt(T0).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("token");
  }

  @Test
  void vaultLease_idIsTheLeaseId_andToStringShowsKeysOnly() {
    VaultLease l =
        VaultLease.builder()
            .leaseId("database/creds/app/abc")
            .path("database/creds/app")
            .data(Map.of("username", Secret.of("v-app-x"), "password", Secret.of("pw-SECRET")))
            .issuedAt(T0)
            .expiresAt(T0.plusSeconds(60))
            .renewable(true)
            .build();
    assertThat(l.id()).isEqualTo("database/creds/app/abc");
    assertThat(l.get("password"))
        .hasValueSatisfying(p -> assertThat(p.reveal()).isEqualTo("pw-SECRET"));
    assertThat(l.toString())
        .contains("password")
        .doesNotContain("pw-SECRET")
        .doesNotContain("v-app-x");
    assertThat(l.auditAttributes()).containsEntry("path", "database/creds/app");
    assertThat(l.toBuilder().build()).isEqualTo(l);
    assertThatThrownBy(() -> l.data().put("x", Secret.of("y")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void vaultSecret_toStringShowsPathVersionAndKeys() {
    VaultSecret s =
        new VaultSecret("secret", "app/api", 3, T0, Map.of("key", Secret.of("K-SECRET")), Map.of());
    assertThat(s.toString())
        .contains("secret/app/api", "version=3", "key")
        .doesNotContain("K-SECRET");
    assertThatThrownBy(() -> new VaultSecret("secret", "p", 0, T0, Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void vaultLogin_factoriesMountsAndValidation() {
    VaultLogin k = VaultLogin.kubernetes("payments");
    assertThat(k.file()).isEqualTo(VaultLogin.KUBERNETES_TOKEN_FILE);
    assertThat(k.mount()).isEqualTo("kubernetes");
    assertThat(k.withMount("/auth/k8s-eu1/").mount()).isEqualTo("k8s-eu1");
    assertThat(VaultLogin.jwt(Path.of("/t")).role()).isEmpty();
    VaultLogin a = VaultLogin.appRoleWrapped("role-id-123", Path.of("/w"));
    assertThat(a.wrapped()).isTrue();
    assertThat(a.mount()).isEqualTo("approle");
    assertThat(a.toString()).doesNotContain("role-id-123");
    assertThatThrownBy(() -> k.withMount("a/../b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VaultLogin.kubernetes(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
