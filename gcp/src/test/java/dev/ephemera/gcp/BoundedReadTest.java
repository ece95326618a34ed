package dev.ephemera.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.CredentialUnavailableException.Reason;
import dev.ephemera.core.Environment;
import dev.ephemera.core.spi.http.BoundedBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every body the Google library would read is bounded before it reads it (issue 12): a body above
 * its bound is refused with a typed error, the connection aborted rather than drained, promptly and
 * with bounded bytes; a body that trickles ends at the read timeout. Each case streams from a stub
 * on loopback posing as the metadata server; nothing large is allocated by the test.
 */
class BoundedReadTest {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
  private static final String FLAVOR = "Metadata-Flavor: Google";

  /** What a client that aborts may still have let onto the wire: loopback socket buffers. */
  private static final long WIRE_SLACK = 16L << 20;

  private @Nullable RawHttpStub stub;

  @AfterEach
  void stop() {
    if (stub != null) {
      stub.close();
    }
  }

  private CredentialUnavailableException issueAgainst(RawHttpStub server, Duration readTimeout) {
    stub = server;
    GoogleWorkloadIdentity gcp =
        GoogleWorkloadIdentity.builder()
            .environment(Environment.of(Map.of()))
            .metadataServer(server.hostAndPort())
            .readTimeout(readTimeout)
            .build();
    Throwable[] thrown = new Throwable[1];
    assertThatThrownBy(() -> gcp.accessTokenIssuer().issue())
        .isInstanceOfSatisfying(CredentialUnavailableException.class, e -> thrown[0] = e);
    return (CredentialUnavailableException) thrown[0];
  }

  private void assertAbortedPromptly(long startNanos) throws InterruptedException {
    RawHttpStub stub = Objects.requireNonNull(this.stub);
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
    assertThat(took)
        .as("the attempt ends well inside the read timeout")
        .isLessThan(READ_TIMEOUT.dividedBy(2));
    assertThat(stub.awaitFirstBodyEnded(Duration.ofSeconds(10)))
        .as("the client closed the connection instead of draining it")
        .isTrue();
    System.out.printf(
        "bounded read: refused after %d ms, %d body bytes on the wire%n",
        took.toMillis(), stub.bodyBytesSent());
    assertThat(stub.bodyBytesSent())
        .as("bytes that reached the wire before the client went away")
        .isLessThan(WIRE_SLACK);
  }

  @Test
  void anEndless500Body_isRefused_asMalformed_withoutDrainingIt() throws InterruptedException {
    long start = System.nanoTime();
    CredentialUnavailableException e =
        issueAgainst(
            RawHttpStub.start(
                "HTTP/1.1 500 Internal Server Error",
                RawHttpStub.endlessChunked(),
                FLAVOR,
                "Content-Type: text/plain",
                "Transfer-Encoding: chunked"),
            READ_TIMEOUT);
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE);
    assertThat(e.getMessage())
        .contains("the metadata server at http://127.0.0.1:")
        .contains("HTTP 500")
        .contains("longer than 16384 bytes");
    assertAbortedPromptly(start);
  }

  @Test
  void aBodyDeclaringOneGigabyte_isRefusedBeforeItIsRead() throws InterruptedException {
    long start = System.nanoTime();
    CredentialUnavailableException e =
        issueAgainst(
            RawHttpStub.start(
                "HTTP/1.1 200 OK",
                RawHttpStub.endlessRaw(),
                FLAVOR,
                "Content-Type: application/json",
                "Content-Length: " + (1L << 30)),
            READ_TIMEOUT);
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE);
    assertThat(e.getMessage())
        .contains("HTTP 200")
        .contains("longer than " + BoundedBody.DEFAULT_LIMIT + " bytes");
    assertAbortedPromptly(start);
  }

  @Test
  void anEndlessSuccessBody_isRefusedAfterItsBound() throws InterruptedException {
    long start = System.nanoTime();
    CredentialUnavailableException e =
        issueAgainst(
            RawHttpStub.start(
                "HTTP/1.1 200 OK",
                RawHttpStub.endlessChunked(),
                FLAVOR,
                "Content-Type: application/json",
                "Transfer-Encoding: chunked"),
            READ_TIMEOUT);
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE);
    assertThat(e.getMessage()).contains("longer than " + BoundedBody.DEFAULT_LIMIT + " bytes");
    assertAbortedPromptly(start);
  }

  @Test
  void aGzipBomb_isInflatedUnderTheSameBound() throws IOException, InterruptedException {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(packed)) {
      byte[] zeros = new byte[64 * 1024];
      for (int i = 0; i < 256; i++) { // 16 MiB of zeros: about 16 KiB on the wire
        gz.write(zeros);
      }
    }
    byte[] bomb = packed.toByteArray();
    long start = System.nanoTime();
    CredentialUnavailableException e =
        issueAgainst(
            RawHttpStub.start(
                "HTTP/1.1 200 OK",
                RawHttpStub.fixed(bomb),
                FLAVOR,
                "Content-Type: application/json",
                "Content-Encoding: gzip",
                "Content-Length: " + bomb.length),
            READ_TIMEOUT);
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RESPONSE);
    assertThat(e.getMessage()).contains("longer than " + BoundedBody.DEFAULT_LIMIT + " bytes");
    assertAbortedPromptly(start);
  }

  @Test
  void a500BodyThatTrickles_endsAtTheReadTimeout_notWhenTheServerStops() {
    Duration readTimeout = Duration.ofSeconds(1);
    long start = System.nanoTime();
    CredentialUnavailableException e =
        issueAgainst(
            RawHttpStub.start(
                "HTTP/1.1 500 Internal Server Error",
                RawHttpStub.trickle(16, Duration.ofMillis(50)), // well under any byte bound
                FLAVOR,
                "Content-Type: text/plain",
                "Transfer-Encoding: chunked"),
            readTimeout);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
    assertThat(took)
        .as("one read timeout for the whole body, not one per read")
        .isLessThan(readTimeout.multipliedBy(3));
  }

  @Test
  void a503WithRetryAfter_isUnavailable_andCarriesTheHint() {
    CredentialUnavailableException e =
        issueAgainst(
            RawHttpStub.start(
                "HTTP/1.1 503 Service Unavailable",
                RawHttpStub.fixed("warming up".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                FLAVOR,
                "Retry-After: 30",
                "Content-Length: 10"),
            READ_TIMEOUT);
    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
    assertThat(e.getMessage()).contains("HTTP 503").contains("warming up");
  }

  @Test
  void a408_isATimeout_byTheSharedStatusTable() {
    CredentialUnavailableException e =
        issueAgainst(
            RawHttpStub.start(
                "HTTP/1.1 408 Request Timeout",
                RawHttpStub.fixed(new byte[0]),
                FLAVOR,
                "Content-Length: 0"),
            READ_TIMEOUT);
    assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
  }
}
