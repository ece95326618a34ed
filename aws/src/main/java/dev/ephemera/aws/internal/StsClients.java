package dev.ephemera.aws.internal;

import dev.ephemera.core.spi.http.BoundedBody;
import dev.ephemera.core.spi.http.RetryAfter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.endpoints.StsEndpointParams;
import software.amazon.awssdk.services.sts.endpoints.StsEndpointProvider;

/**
 * Builds the SDK's STS client for IRSA: explicit region and endpoint, no credentials (the call is
 * unsigned), no SDK retries (the refresh engine retries, with backoff, once for every backend), no
 * profile file read from disk, and the JDK's {@code HttpURLConnection} underneath, its response
 * bodies read through core's {@link BoundedBody} (at most {@link BoundedBody#DEFAULT_LIMIT}) before
 * the SDK parses them.
 *
 * <p>A retry hint the SDK cannot take is dropped before the SDK reads it: its retry stage turns
 * {@code Retry-After: -1} (or a negative {@code x-amz-retry-after}) into an {@code
 * IllegalArgumentException} instead of an error response, even with retries off. Only hints that
 * core's {@link RetryAfter} would ignore anyway are dropped, so nothing the engine uses is lost.
 */
public final class StsClients {
  private StsClients() {}

  /** An STS client and the HTTP client it runs on; close both with {@link #close()}. */
  public record Owned(StsClient sts, SdkHttpClient http) implements AutoCloseable {
    @Override
    public void close() {
      try {
        sts.close();
      } finally {
        http.close();
      }
    }
  }

  /**
   * The STS endpoint the SDK itself would pick for {@code region}: regional, or with {@code
   * legacyGlobal} the global {@code sts.amazonaws.com} for the regions that used it.
   */
  public static URI endpointFor(Region region, boolean legacyGlobal) {
    StsEndpointParams params =
        StsEndpointParams.builder()
            .region(region)
            .useGlobalEndpoint(legacyGlobal)
            .useFips(false)
            .useDualStack(false)
            .build();
    return StsEndpointProvider.defaultProvider().resolveEndpoint(params).join().url();
  }

  /** A client for {@code endpoint}, which the caller has checked. */
  public static Owned build(
      Region region, URI endpoint, Duration connectTimeout, Duration readTimeout) {
    SdkHttpClient http =
        new BoundedSdkHttpClient(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(connectTimeout)
                .socketTimeout(readTimeout)
                .build(),
            BoundedBody.DEFAULT_LIMIT);
    StsClient sts =
        StsClient.builder()
            .region(region)
            .endpointOverride(endpoint)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .httpClient(http)
            .overrideConfiguration(
                o ->
                    o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(UnusableRetryHints.INSTANCE)
                        .defaultProfileFile(ProfileFile.aggregator().build())
                        .defaultProfileName("default"))
            .build();
    return new Owned(sts, http);
  }

  /** Drops the retry hints that would make the SDK throw, and that we would ignore anyway. */
  static final class UnusableRetryHints implements ExecutionInterceptor {
    static final UnusableRetryHints INSTANCE = new UnusableRetryHints();

    @Override
    public SdkHttpResponse modifyHttpResponse(
        Context.ModifyHttpResponse context, ExecutionAttributes executionAttributes) {
      SdkHttpResponse response = context.httpResponse();
      SdkHttpResponse.Builder b = null;
      for (String name : response.headers().keySet()) {
        String lower = name.toLowerCase(Locale.ROOT);
        boolean unusable =
            switch (lower) {
              case "retry-after" ->
                  response
                      .firstMatchingHeader(name)
                      .flatMap(v -> RetryAfter.parse(v, Instant.EPOCH))
                      .isEmpty();
              case "x-amz-retry-after" ->
                  response
                      .firstMatchingHeader(name)
                      .map(v -> v.strip().startsWith("-"))
                      .orElse(false);
              default -> false;
            };
        if (unusable) {
          b = (b == null ? response.toBuilder() : b).removeHeader(name);
        }
      }
      return b == null ? response : b.build();
    }
  }
}
