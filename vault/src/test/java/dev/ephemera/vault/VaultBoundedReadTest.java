package dev.ephemera.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the Vault driver reads every answer whole and parses it with a recursive parser. A
 * huge, endless or deeply nested answer from a stub on loopback is refused, promptly and with
 * bounded memory, as a typed MALFORMED_RESPONSE with an audited failure; no {@code
 * OutOfMemoryError} or {@code StackOverflowError} reaches the caller.
 */
class VaultBoundedReadTest {
  private static final String LOGIN = "/v1/auth/kubernetes/login";
  private static final String LOGGED_IN =
      "{\"request_id\":\"r\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,"
          + "\"data\":null,\"wrap_info\":null,\"warnings\":null,\"auth\":{"
          + "\"client_token\":\"s.stubToken\",\"accessor\":\"stub-accessor\","
          + "\"policies\":[\"default\"],\"token_policies\":[\"default\"],"
          + "\"identity_policies\":null,\"metadata\":{},\"lease_duration\":3600,"
          + "\"renewable\":true,\"entity_id\":\"e\",\"token_type\":\"service\","
          + "\"orphan\":true,\"mfa_requirement\":null,\"num_uses\":0}}";

  /** What the client may have read plus what the sockets buffer: far below what was offered. */
  private static final long WRITTEN_BOUND = 16L << 20;

  private final VirtualTime time = VirtualTime.create();
  private final RecordingAuditListener audit = new RecordingAuditListener();

  @SuppressWarnings("NullAway.Init")
  private OidcIssuer oidc;

  @SuppressWarnings("NullAway.Init")
  private TokenFile jwt;

  @SuppressWarnings("NullAway.Init")
  private HostileVault stub;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    oidc = OidcIssuer.start(time.upstreamClock());
    jwt = oidc.project(dir.resolve("token"), Testbed.SA, "vault", Duration.ofDays(1));
    stub = new HostileVault();
  }

  @AfterEach
  void stop() {
    stub.close();
    oidc.close();
  }

  private VaultCredentials credentials() {
    return VaultCredentials.builder()
        .address(stub.address())
        .login(VaultLogin.kubernetes(Testbed.ROLE, jwt.path()))
        .timebase(time)
        .auditListener(audit)
        .readTimeout(Duration.ofSeconds(5))
        .prefetch(false)
        .build();
  }

  private void loginIsRefusedAsMalformed(String because) {
    long started = System.nanoTime();
    try (VaultCredentials vault = credentials()) {
      assertThatThrownBy(() -> vault.tokens().get())
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE);
                assertThat(e.getMessage()).contains("Vault login", because);
              });
    }
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertThat(audit.ofType(AuditEventType.REFRESH_FAILED))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.error())
                    .hasValueSatisfying(
                        err -> assertThat(err.reason()).isEqualTo("MALFORMED_RESPONSE")));
    System.out.printf(
        "vault bounded read (%s): refused in %d ms; the stub wrote %d bytes%n",
        because, millis, stub.bytesWritten());
  }

  @Test
  void login_answerDeclaringTwoGibibytes_isRefusedBeforeItsBodyIsRead() {
    stub.on(LOGIN, HostileVault.declaring(2L << 30));

    loginIsRefusedAsMalformed("longer than the " + BoundedBody.DEFAULT_LIMIT + " bytes");

    assertThat(stub.bytesWritten()).isLessThan(WRITTEN_BOUND);
  }

  @Test
  void login_endlessChunkedAnswer_isCutAfterTheLimit_andTheExchangeAborted() {
    stub.on(LOGIN, HostileVault.endless());

    loginIsRefusedAsMalformed("longer than the " + BoundedBody.DEFAULT_LIMIT + " bytes");

    assertThat(stub.bytesWritten())
        .as("the client hung up long before the stub's own end")
        .isLessThan(WRITTEN_BOUND);
  }

  @Test
  void login_answerNested100000Deep_isMalformed_notAStackOverflow() {
    stub.on(LOGIN, HostileVault.nested(100_000));

    loginIsRefusedAsMalformed("nests deeper than 64 levels");
  }

  @Test
  void kvRead_answerNested100000Deep_isMalformed_andAuditedAsAFailedRead() {
    stub.on(LOGIN, HostileVault.json(LOGGED_IN))
        .on("/v1/secret/data/app", HostileVault.nested(100_000));
    try (VaultCredentials vault = credentials()) {
      assertThatThrownBy(() -> vault.kv("secret").readSecret("app"))
          .isInstanceOfSatisfying(
              CredentialUnavailableException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE));
    }
    assertThat(audit.ofType(AuditEventType.SECRET_READ))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.error())
                    .hasValueSatisfying(
                        err -> assertThat(err.reason()).isEqualTo("MALFORMED_RESPONSE")));
  }

  @Test
  void usersDriver_endlessAnswer_isAVaultException_notAnOutOfMemoryError() throws Exception {
    stub.on(LOGIN, HostileVault.json(LOGGED_IN)).on("/v1/secret/data/app", HostileVault.endless());
    try (VaultCredentials vault = credentials()) {
      Vault driver = Vault.create(vault.driverConfig(), 2);
      assertThatThrownBy(() -> driver.logical().read("secret/app"))
          .isInstanceOf(VaultException.class)
          .hasStackTraceContaining("longer than the " + BoundedBody.DEFAULT_LIMIT + " bytes");
    }
    assertThat(stub.bytesWritten()).isLessThan(WRITTEN_BOUND);
  }
}
