package dev.ephemera.azure;

import static dev.ephemera.azure.AzureTestbed.STORAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ephemera.azure.StubEntra.Answer;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.testkit.azure.FederatedCredential;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: MSAL's answers were read whole. Every body is now read through core's {@link
 * BoundedBody}: a huge or endless token answer, success or error, is refused as a typed {@code
 * MALFORMED_RESPONSE} naming Entra, promptly, after at most the limit in memory. Through MSAL4J and
 * azure-core's JDK client against a hostile stub on loopback HTTPS that streams what it sends (the
 * test allocates nothing of it).
 */
class BoundedAnswerTest {
  private static final int LIMIT = BoundedBody.DEFAULT_LIMIT;

  /** Far more than the limit; what loopback socket and TLS buffers can hold is well below it. */
  private static final long HUGE = 256L << 20;

  /** What the stub may write before it notices the hang-up: the limit plus those buffers. */
  private static final long WRITTEN_AT_MOST = 16L << 20;

  /** Promptly: far below the stub's own 30 s stop and the client's timeouts. */
  private static final Duration PROMPTLY = Duration.ofSeconds(20);

  private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

  private static final VirtualTime TIME = VirtualTime.create();
  private static @Nullable OidcIssuer oidc;
  private static @Nullable Path tokenFile;

  private @Nullable StubEntra stub;

  @BeforeAll
  static void projectAToken(@TempDir Path dir) {
    OidcIssuer issuer = OidcIssuer.start(TIME.upstreamClock());
    oidc = issuer;
    tokenFile =
        issuer
            .project(
                dir.resolve("azure-identity-token"),
                AzureTestbed.ACCOUNT,
                FederatedCredential.TOKEN_EXCHANGE_AUDIENCE,
                Duration.ofHours(1))
            .path();
  }

  @AfterAll
  static void stopIssuer() {
    OidcIssuer issuer = oidc;
    if (issuer != null) {
      issuer.close();
    }
  }

  @AfterEach
  void stop() {
    StubEntra s = stub;
    if (s != null) {
      s.close();
    }
  }

  /** Issues against a stub answering {@code answer}; returns the failure after the stub ended. */
  private CredentialUnavailableException issueAgainst(Answer answer, long length)
      throws InterruptedException {
    StubEntra hostile = new StubEntra(answer, length);
    stub = hostile;
    try (AzureWorkloadIdentity identity =
        AzureWorkloadIdentity.builder()
            .clientId(AzureTestbed.CLIENT_ID)
            .tenantId(TENANT)
            .tokenFile(Objects.requireNonNull(tokenFile))
            .authorityHost(hostile.authorityHost())
            .timebase(TIME)
            .httpClient(AzureTestbed.loopbackHttp(Duration.ofSeconds(10)))
            .build()) {
      long start = System.nanoTime();
      CredentialUnavailableException e =
          catchThrowableOfType(
              CredentialUnavailableException.class, () -> identity.issuer(STORAGE).issue());
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("refused promptly").isLessThan(PROMPTLY);
      assertThat(hostile.awaitAnswered(PROMPTLY.toSeconds()))
          .as("the stub saw the client hang up")
          .isTrue();
      return Objects.requireNonNull(e);
    }
  }

  private long written() {
    return Objects.requireNonNull(stub).written();
  }

  private static void assertRefusedAsTooLong(CredentialUnavailableException e) {
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE);
    assertThat(e.isTerminal()).isFalse();
    assertThat(e)
        .hasMessageContaining("Entra ID at https://127.0.0.1:")
        .hasMessageContaining("longer than the " + LIMIT + " bytes read");
  }

  @Test
  void hugeAnswer_declaredByContentLength_isRefusedBeforeItsBodyIsRead() throws Exception {
    var e = issueAgainst(Answer.DECLARED, HUGE);

    assertRefusedAsTooLong(e);
    assertThat(written()).isLessThan(WRITTEN_AT_MOST);
  }

  @Test
  void hugeAnswer_chunked_isRefusedAfterTheLimit() throws Exception {
    var e = issueAgainst(Answer.CHUNKED, HUGE);

    assertRefusedAsTooLong(e);
    assertThat(written()).isGreaterThan(LIMIT).isLessThan(WRITTEN_AT_MOST);
  }

  @Test
  void endlessAnswer_isRefusedAfterTheLimit() throws Exception {
    var e = issueAgainst(Answer.ENDLESS, 0);

    assertRefusedAsTooLong(e);
    assertThat(written()).isGreaterThan(LIMIT).isLessThan(WRITTEN_AT_MOST);
  }

  @Test
  void endlessErrorAnswer_isRefusedAfterTheLimit_too() throws Exception {
    var e = issueAgainst(Answer.ENDLESS_ERROR, 0);

    assertRefusedAsTooLong(e);
    assertThat(e).hasMessageContaining("HTTP 400");
    assertThat(written()).isGreaterThan(LIMIT).isLessThan(WRITTEN_AT_MOST);
  }

  @Test
  void answerJustUnderTheLimit_isReadWhole_andFailsOnlyAsTheWrongJson() throws Exception {
    var e = issueAgainst(Answer.CHUNKED, LIMIT - 1024);

    // read to the end (no size refusal); an unterminated JSON string is then MSAL's to reject
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE);
    assertThat(e.getMessage()).doesNotContain("bytes read");
    assertThat(written()).isEqualTo(LIMIT - 1024);
  }
}
