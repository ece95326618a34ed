package dev.ephemera.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.aws.StreamingStub.Body;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.testkit.aws.PodIdentityAgentEmulator;
import dev.ephemera.testkit.aws.StsEmulator;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.ServiceAccount;
import dev.ephemera.testkit.oidc.TokenFile;
import dev.ephemera.testkit.time.VirtualTime;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Issue 12's bounded-read findings, as regressions: an upstream answering 512 MiB (which ran the
 * JVM out of memory under {@code -Xmx256m}), an endless answer, a stalled one, and XML nested deep
 * enough to overflow the SDK's recursive parser. Each is refused with a typed failure, promptly,
 * after reading about {@link BoundedBody#DEFAULT_LIMIT}: the stub streams the body from loopback as
 * it is read, and counts what the client let it write; the calling thread's allocations are
 * measured too (the issuance runs on it: virtual time runs the engine's work inline) and bounded
 * for Pod Identity, whose transport is ours.
 */
class HostileBodyTest {
  private static final long HUGE = 512L << 20;
  private static final String ROLE = "arn:aws:iam::111122223333:role/shop-app";
  private static final ServiceAccount APP = ServiceAccount.of("shop", "app");

  /** What a refused body may have been written: the cap and the socket buffers in between. */
  private static final long BOUND = 48L << 20;

  /**
   * What the Pod Identity caller may allocate (garbage included) refusing it: the bounded read's
   * buffers and little else. Reading the body whole allocated more than the 512 MiB it declared.
   *
   * <p>No such bound is asserted for STS: the SDK's {@code HttpURLConnection}, when the connection
   * is dropped, skims what already sits in the socket buffers, copying it about as it goes; that is
   * short-lived garbage of a few to a few hundred MiB depending on timing (what it holds at once is
   * bounded by the socket buffers), so the figure is reported, and what the upstream could write is
   * bounded instead.
   */
  private static final long ALLOCATION_BOUND = 16L << 20;

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path dir;

  private final VirtualTime time = VirtualTime.create();

  @SuppressWarnings("NullAway.Init")
  private OidcIssuer oidc;

  @BeforeEach
  void start() {
    oidc = OidcIssuer.start(time.upstreamClock());
  }

  @AfterEach
  void stop() {
    oidc.close();
  }

  static Stream<Arguments> bodies() {
    return Stream.of(
        Arguments.of(200, Body.HUGE),
        Arguments.of(200, Body.ENDLESS),
        Arguments.of(500, Body.HUGE),
        Arguments.of(400, Body.ENDLESS));
  }

  @ParameterizedTest(name = "HTTP {0}, {1} body")
  @MethodSource("bodies")
  void podIdentity_aHugeOrEndlessAnswer_isMalformed_afterReadingTheCap(int status, Body body)
      throws Exception {
    TokenFile token = oidc.project(dir.resolve("t"), APP, PodIdentityAgentEmulator.AUDIENCE, HOUR);
    try (StreamingStub agent =
        StreamingStub.start(status, "application/json", "{\"AccessKeyId\":\"", body, HUGE)) {
      CredentialIssuer<AwsSessionCredential> issuer =
          AwsCredentialSources.podIdentity()
              .endpoint(agent.uri("/v1/credentials"))
              .authorizationTokenFile(token.path())
              .timebase(time)
              .buildIssuer();

      Measured m = measure(() -> assertMalformed(issuer::issue, "longer than 1048576 bytes"));

      assertThat(agent.awaitAnswered(Duration.ofSeconds(20)))
          .as("the client hung up instead of draining or holding the connection")
          .isTrue();
      report("pod identity", status, body, agent, m);
      assertThat(agent.written()).isGreaterThan(BoundedBody.DEFAULT_LIMIT).isLessThan(BOUND);
      assertThat(m.allocated).isLessThan(ALLOCATION_BOUND);
      assertThat(m.elapsed).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void podIdentity_aBodyThatStalls_isATimeout_afterTheReadTimeout() throws Exception {
    TokenFile token = oidc.project(dir.resolve("t"), APP, PodIdentityAgentEmulator.AUDIENCE, HOUR);
    try (StreamingStub agent =
        StreamingStub.start(200, "application/json", "{\"AccessKeyId\":\"", Body.STALLED, 0)) {
      CredentialIssuer<AwsSessionCredential> issuer =
          AwsCredentialSources.podIdentity()
              .endpoint(agent.uri("/v1/credentials"))
              .authorizationTokenFile(token.path())
              .readTimeout(Duration.ofMillis(300))
              .timebase(time)
              .buildIssuer();

      Measured m =
          measure(
              () ->
                  assertThatThrownBy(issuer::issue)
                      .isInstanceOfSatisfying(
                          CredentialUnavailableException.class,
                          e -> {
                            assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
                            assertThat(e.getMessage())
                                .contains("did not answer within PT0.3S (readTimeout)");
                          }));

      assertThat(m.elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      assertThat(m.elapsed).isLessThan(Duration.ofSeconds(5));
    }
  }

  @ParameterizedTest(name = "HTTP {0}, {1} body")
  @MethodSource("bodies")
  void irsa_aHugeOrEndlessAnswer_isMalformed_afterReadingTheCap(int status, Body body)
      throws Exception {
    TokenFile token = oidc.project(dir.resolve("t"), APP, StsEmulator.DEFAULT_AUDIENCE, HOUR);
    try (StreamingStub sts =
            StreamingStub.start(
                status,
                "text/xml",
                "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">",
                body,
                HUGE);
        CredentialSource<AwsSessionCredential> source = irsa(token, sts)) {

      Measured m = measure(() -> assertMalformed(source::get, "longer than the 1048576 bytes"));

      assertThat(sts.awaitAnswered(Duration.ofSeconds(20)))
          .as("the client hung up instead of draining or holding the connection")
          .isTrue();
      report("irsa", status, body, sts, m);
      assertThat(sts.written()).isGreaterThan(BoundedBody.DEFAULT_LIMIT).isLessThan(BOUND);
      assertThat(m.elapsed).isLessThan(Duration.ofSeconds(10));
    }
  }

  @ParameterizedTest(name = "HTTP {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {200, 400})
  void irsa_xmlNestedDeeperThanAnyStsAnswer_isMalformed_notAStackOverflow(int status)
      throws Exception {
    // 10,000 nested elements are 30 KB: well under the cap, and deep enough that the SDK's
    // recursive DOM builder throws StackOverflowError on a default thread stack.
    TokenFile token = oidc.project(dir.resolve("t"), APP, StsEmulator.DEFAULT_AUDIENCE, HOUR);
    try (StreamingStub sts =
            StreamingStub.start(status, "text/xml", "<a>".repeat(10_000), Body.HUGE, 30_000);
        CredentialSource<AwsSessionCredential> source = irsa(token, sts)) {
      assertMalformed(source::get, "nests XML elements more than 64 deep");
    }
  }

  @Test
  void irsa_withTheUsersOwnStsClient_deepXmlThatOverflowsTheSdk_isMalformed_notAnError()
      throws Exception {
    // The user's client is not wrapped, so the SDK parses the answer and overflows its stack;
    // the issuer turns that into a typed failure instead of letting the Error reach the caller.
    TokenFile token = oidc.project(dir.resolve("t"), APP, StsEmulator.DEFAULT_AUDIENCE, HOUR);
    try (StreamingStub sts =
            StreamingStub.start(200, "text/xml", "<a>".repeat(10_000), Body.HUGE, 30_000);
        SdkHttpClient http = UrlConnectionHttpClient.create();
        StsClient own =
            StsClient.builder()
                .region(Region.US_WEST_2)
                .endpointOverride(sts.uri("/"))
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClient(http)
                .build()) {
      CredentialIssuer<AwsSessionCredential> issuer =
          AwsCredentialSources.irsa()
              .roleArn(ROLE)
              .webIdentityTokenFile(token.path())
              .sessionName("shop-app-pod-1")
              .stsClient(own)
              .timebase(time)
              .buildIssuer();
      // JDK 17's XML parser overflows the stack (we catch it); from JDK 24 the JDK refuses depth >
      // 100
      // itself (jdk.xml.maxElementDepth): either way a typed MALFORMED_RESPONSE, never an Error
      assertMalformed(issuer::issue, "");
    }
  }

  private CredentialSource<AwsSessionCredential> irsa(TokenFile token, StreamingStub sts) {
    return AwsCredentialSources.irsa()
        .roleArn(ROLE)
        .webIdentityTokenFile(token.path())
        .sessionName("shop-app-pod-1")
        .region("us-west-2")
        .stsEndpoint(sts.uri("/"))
        .timebase(time)
        .prefetch(false)
        .build();
  }

  private static void assertMalformed(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String why) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CredentialUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE);
              assertThat(e.getMessage()).contains(why).containsAnyOf("STS", "EKS Pod Identity");
            });
  }

  private static final Duration HOUR = Duration.ofHours(1);

  private record Measured(Duration elapsed, long allocated) {}

  private static Measured measure(Runnable r) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    long start = System.nanoTime();
    r.run();
    return new Measured(
        Duration.ofNanos(System.nanoTime() - start),
        threads.getCurrentThreadAllocatedBytes() - before);
  }

  private static void report(
      String backend, int status, Body body, StreamingStub stub, Measured m) {
    System.out.printf(
        "%s, HTTP %d %s body: refused after %d ms; the upstream wrote %.1f MiB, the caller"
            + " allocated %.1f MiB%n",
        backend,
        status,
        body,
        m.elapsed.toMillis(),
        stub.written() / 1048576.0,
        m.allocated / 1048576.0);
  }
}
