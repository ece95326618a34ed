package dev.ephemera.aws.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.Secret;
import dev.ephemera.core.spi.http.BoundedBody;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Fuzz targets for every parser of upstream input in the AWS module: STS's XML answers (through the
 * SDK's client configured as {@link StsClients} configures it, over {@link BoundedSdkHttpClient}
 * and its {@link XmlNesting} pre-check, failures mapped by {@link StsFailures}), the Pod Identity
 * agent's JSON answers, {@link PodIdentityExpirations} and {@link PodIdentityFailures}. Each may
 * refuse its input only with its documented typed exception; anything else (another exception, an
 * {@code Error} such as {@code StackOverflowError}) is a finding. A normal build replays the seeds
 * in {@code src/test/resources/.../AwsParsersFuzzTestInputs/}; {@code .ci/fuzz} fuzzes each.
 */
class AwsParsersFuzzTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String JWT =
      "eyJhbGciOiJSUzI1NiJ9."
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(
                  "{\"sub\":\"system:serviceaccount:fuzz:app\",\"aud\":[\"sts.amazonaws.com\"],\"exp\":1900000000}"
                      .getBytes(StandardCharsets.UTF_8))
          + ".c2ln";
  private static final Path TOKEN_FILE = tokenFile();
  private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/fuzz";
  private static final String TOO_DEEP = String.valueOf(StsFailures.tooDeep(ROLE_ARN).getMessage());
  private static final int[] STATUSES = {200, 400, 403, 404, 429, 500, 503};

  /** What the in-memory STS answers next. */
  private static volatile int status = 200;

  private static volatile byte[] answer = new byte[0];

  private static final StsWebIdentityIssuer STS = stsIssuer();
  private static final PodIdentityIssuer POD =
      new PodIdentityIssuer(
          URI.create("http://169.254.170.23/v1/credentials"),
          TOKEN_FILE,
          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          CLOCK);

  @FuzzTest(maxDuration = "10s")
  void stsAnswers_refuseOnlyAsUnavailable(FuzzedDataProvider data) {
    status = data.pickValue(STATUSES);
    int shape = data.consumeInt(0, 2);
    int nesting = data.consumeInt(0, 20_000);
    String body = data.consumeRemainingAsString();
    String xml =
        switch (shape) {
          case 1 -> "<a>".repeat(nesting) + body + "</a>".repeat(nesting);
          case 2 ->
              status == 200
                  ? "<AssumeRoleWithWebIdentityResponse"
                      + " xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                      + "<AssumeRoleWithWebIdentityResult><Credentials>"
                      + body
                      + "</Credentials></AssumeRoleWithWebIdentityResult>"
                      + "</AssumeRoleWithWebIdentityResponse>"
                  : "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                      + "<Error><Type>Sender</Type><Code>"
                      + body
                      + "</Code><Message>m</Message></Error><RequestId>r</RequestId>"
                      + "</ErrorResponse>";
          default -> body;
        };
    answer = xml.getBytes(StandardCharsets.UTF_8);
    try {
      STS.issueResult();
    } catch (CredentialUnavailableException e) {
      String m = String.valueOf(e.getMessage());
      // Compared whole: the fuzzer learns the words and writes them into an error code.
      if (m.equals(TOO_DEEP)) {
        throw new AssertionError("XmlNesting let through XML that overflowed the SDK", e);
      }
      if (m.contains(JWT)) {
        throw new AssertionError("the error quotes the web identity token", e);
      }
    }
  }

  @FuzzTest(maxDuration = "10s")
  void xmlNesting_refusesOnlyAsTooDeep(FuzzedDataProvider data) {
    int nesting = data.consumeInt(0, 200_000);
    String body = data.consumeRemainingAsString();
    String xml = nesting == 0 ? body : "<a>".repeat(nesting) + body + "</a>".repeat(nesting);
    try {
      XmlNesting.check(xml.getBytes(StandardCharsets.UTF_8), "the fuzzed answer");
    } catch (XmlNesting.TooDeepException expected) {
      // refused, typed
    }
  }

  @FuzzTest(maxDuration = "10s")
  void podIdentityAnswers_refuseOnlyAsMalformed(FuzzedDataProvider data) {
    int httpStatus = data.pickValue(STATUSES);
    boolean template = data.consumeBoolean();
    String expiration = data.consumeString(64);
    String body = data.consumeRemainingAsString();
    try {
      PodIdentityExpirations.parse(expiration);
    } catch (DateTimeException expected) {
      // not RFC 3339: documented
    }
    PodIdentityFailures.reasonFor(httpStatus, body);
    String json =
        template
            ? "{\"AccessKeyId\":\"AKIA\",\"SecretAccessKey\":\"s\",\"Token\":\"t\",\"Expiration\":\""
                + expiration.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\","
                + body
                + "}"
            : body;
    try {
      POD.parse(json, null, Secret.of(JWT));
    } catch (CredentialUnavailableException e) {
      if (String.valueOf(e.getMessage()).contains(JWT)) {
        throw new AssertionError("the error quotes the token", e);
      }
    }
  }

  private static StsWebIdentityIssuer stsIssuer() {
    SdkHttpClient http = new BoundedSdkHttpClient(new InMemorySts(), BoundedBody.DEFAULT_LIMIT);
    StsClient sts =
        StsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create("https://sts.us-east-1.amazonaws.com"))
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .httpClient(http)
            .overrideConfiguration(
                o ->
                    o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(StsClients.UnusableRetryHints.INSTANCE)
                        .defaultProfileFile(ProfileFile.aggregator().build())
                        .defaultProfileName("default"))
            .build();
    return new StsWebIdentityIssuer(
        sts, ROLE_ARN, TOKEN_FILE, "AWS_WEB_IDENTITY_TOKEN_FILE", "fuzz", 3600, null, CLOCK);
  }

  private static Path tokenFile() {
    try {
      Path f = Files.createTempFile("ephemera-fuzz", ".jwt");
      f.toFile().deleteOnExit();
      Files.writeString(f, JWT);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Answers every request with {@link #status} and {@link #answer}, in memory. */
  private static final class InMemorySts implements SdkHttpClient {
    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() {
          return HttpExecuteResponse.builder()
              .response(
                  SdkHttpResponse.builder()
                      .statusCode(status)
                      .putHeader("Content-Type", "text/xml")
                      .putHeader("x-amzn-RequestId", "fuzz")
                      .build())
              .responseBody(AbortableInputStream.create(new ByteArrayInputStream(answer)))
              .build();
        }

        @Override
        public void abort() {}
      };
    }

    @Override
    public void close() {}
  }
}
