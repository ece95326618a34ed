package dev.ephemera.gcp.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.IssuerInfo;
import dev.ephemera.core.spi.http.WireRecorder;
import dev.ephemera.gcp.ExternalAccountConfig;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpVersion;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.conn.ClientConnectionManager;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.message.BasicHttpResponse;
import org.apache.http.message.BasicStatusLine;
import org.apache.http.params.BasicHttpParams;
import org.apache.http.params.HttpParams;
import org.apache.http.protocol.HttpContext;
import org.jspecify.annotations.Nullable;

/**
 * Fuzz targets for every parser of upstream or file input in the GCP module: the metadata server's
 * access and ID token answers and Google STS's answers (parsed by Google Auth Library behind our
 * {@link GuardedClient}, converted by {@link Tokens}, refusals classified by {@link GoogleErrors}
 * from their error bodies) over an Apache client that answers in memory, and {@link
 * ExternalAccountConfig} text. Each may refuse its input only with its documented typed exception;
 * anything else (another exception, an {@code Error} such as {@code StackOverflowError}) is a
 * finding. A normal build replays the seeds in {@code
 * src/test/resources/.../GoogleParsersFuzzTestInputs/}; {@code .ci/fuzz} fuzzes each.
 */
class GoogleParsersFuzzTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private static final int[] STATUSES = {200, 400, 401, 403, 404, 429, 500, 503};
  private static final Secret BASE = Secret.of("ya29.fuzz-base-token-0123456789");

  /** What the in-memory upstream answers next. */
  private static volatile int status = 200;

  private static volatile byte[] answer = new byte[0];

  private static final GoogleHttp HTTP =
      new GoogleHttp(
          new InMemoryGoogle(),
          GoogleHttp.policy(false),
          RequestConfig.DEFAULT,
          Long.MAX_VALUE,
          new WireRecorder(),
          Routes.NONE);
  private static final MetadataServer METADATA =
      new MetadataServer(URI.create("http://169.254.169.254"), HTTP);
  private static final MetadataTokenIssuer ACCESS =
      MetadataTokenIssuer.accessTokens(METADATA, List.of(), CLOCK);
  private static final MetadataTokenIssuer ID =
      MetadataTokenIssuer.idTokens(METADATA, "https://fuzz.example", CLOCK);
  private static final DownscopedTokenIssuer DOWNSCOPED =
      new DownscopedTokenIssuer(
          fixedSource(),
          () -> IssuerInfo.of("fuzz", "fuzz", "fuzz"),
          "{\"accessBoundary\":{\"accessBoundaryRules\":[]}}",
          "fuzz",
          new Sts(URI.create("https://sts.googleapis.com/v1/token"), HTTP),
          CLOCK,
          false);

  /** A body, optionally nested {@code nesting} deep (inside a member, as a token answer would). */
  private static String body(FuzzedDataProvider data) {
    int nesting = data.consumeInt(0, 200_000);
    boolean arrays = data.consumeBoolean();
    String body = data.consumeRemainingAsString();
    return nesting == 0
        ? body
        : "{\"access_token\":\"t\",\"expires_in\":3599,\"x\":"
            + (arrays ? "[" : "{\"a\":").repeat(nesting)
            + body
            + (arrays ? "]" : "}").repeat(nesting)
            + "}";
  }

  @FuzzTest(maxDuration = "10s")
  void tokenAnswers_refuseOnlyAsUnavailable(FuzzedDataProvider data) {
    status = data.pickValue(STATUSES);
    int upstream = data.consumeInt(0, 2);
    answer = body(data).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      switch (upstream) {
        case 0 -> ACCESS.issueResult();
        case 1 -> ID.issueResult();
        default -> DOWNSCOPED.issueResult();
      }
    } catch (CredentialUnavailableException e) {
      if (String.valueOf(e.getMessage()).contains(BASE.reveal())) {
        throw new AssertionError("the error quotes the token sent", e);
      }
    }
  }

  @FuzzTest(maxDuration = "10s")
  void externalAccountConfig_refusesOnlyAsConfiguration(FuzzedDataProvider data) {
    String json = body(data);
    try {
      ExternalAccountConfig.parse(json, "GOOGLE_APPLICATION_CREDENTIALS");
    } catch (CredentialConfigurationException expected) {
      // refused, typed
    }
  }

  @SuppressWarnings("unchecked")
  private static CredentialSource<BearerToken> fixedSource() {
    BearerToken token =
        BearerToken.builder()
            .token(BASE)
            .issuedAt(CLOCK.instant())
            .expiresAt(CLOCK.instant().plusSeconds(3600))
            .scope("fuzz")
            .build();
    return (CredentialSource<BearerToken>)
        Proxy.newProxyInstance(
            GoogleParsersFuzzTest.class.getClassLoader(),
            new Class<?>[] {CredentialSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("get")) {
                return token;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  /** Answers every request with {@link #status} and {@link #answer}, in memory. */
  private static final class InMemoryGoogle extends CloseableHttpClient {
    @Override
    protected CloseableHttpResponse doExecute(
        @Nullable HttpHost target, HttpRequest request, @Nullable HttpContext context) {
      Answer a = new Answer(status);
      a.setHeader("Metadata-Flavor", "Google");
      a.setEntity(new ByteArrayEntity(answer, ContentType.APPLICATION_JSON));
      return a;
    }

    @Override
    public void close() {}

    @Override
    @Deprecated
    public HttpParams getParams() {
      return new BasicHttpParams();
    }

    @Override
    @Deprecated
    public ClientConnectionManager getConnectionManager() {
      throw new UnsupportedOperationException();
    }
  }

  private static final class Answer extends BasicHttpResponse implements CloseableHttpResponse {
    Answer(int status) {
      super(new BasicStatusLine(HttpVersion.HTTP_1_1, status, "fuzz"));
    }

    @Override
    public void close() {}
  }
}
