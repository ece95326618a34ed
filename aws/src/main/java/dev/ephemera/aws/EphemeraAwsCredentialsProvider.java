package dev.ephemera.aws;

import dev.ephemera.aws.internal.OwningCredentialSource;
import dev.ephemera.aws.internal.SessionLimit;
import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.ResolveIdentityRequest;

/**
 * The SDK's {@link AwsCredentialsProvider} (and so {@code
 * IdentityProvider<AwsCredentialsIdentity>}) over an Ephemera source: any SDK v2 client uses
 * Ephemera credentials with one line.
 *
 * <pre>{@code
 * S3Client s3 = S3Client.builder().credentialsProvider(EphemeraAwsCredentialsProvider.of(aws)).build();
 * }</pre>
 *
 * <p>The hot path costs the source's {@code get()} and one field read: the SDK's credential object
 * (and the completed future {@link #resolveIdentity} returns) is built once per rotation, with the
 * Ephemera credential, never per call. For presigned URLs that must outlive the held credential,
 * use {@link #lasting(Duration)}. Closing an SDK client does not close the source; you own it.
 */
public final class EphemeraAwsCredentialsProvider implements AwsCredentialsProvider {
  private final CredentialSource<AwsSessionCredential> source;
  private final @Nullable Duration minRemaining;

  private EphemeraAwsCredentialsProvider(
      CredentialSource<AwsSessionCredential> source, @Nullable Duration minRemaining) {
    this.source = source;
    this.minRemaining = minRemaining;
  }

  /**
   * {@return a provider over {@code source}}
   *
   * @param source the credential source it reads
   */
  public static EphemeraAwsCredentialsProvider of(CredentialSource<AwsSessionCredential> source) {
    return new EphemeraAwsCredentialsProvider(Objects.requireNonNull(source, "source"), null);
  }

  /**
   * {@return a provider over the same source whose credentials stay valid for at least {@code
   * minRemaining} (refreshing early when the held one would not): for an {@code S3Presigner}
   * signing URLs that live that long} Slower than {@link #of}: it reads the clock.
   *
   * <p>A credential is served for its session less the expiry margin (60 s by default), so URLs
   * valid for an hour need a session longer than an hour: {@code sessionDuration(...)} on the IRSA
   * builder, or {@value AwsCredentialSources#AWS_ROLE_SESSION_DURATION} in the environment, within
   * the role's maximum. For a source built here that cannot last {@code minRemaining}, this fails
   * now rather than on every presign.
   *
   * @param minRemaining how long the credential must stay valid; not negative
   * @throws IllegalArgumentException if {@code minRemaining} is negative
   * @throws CredentialConfigurationException if the source's session is known to be too short,
   *     naming the setting that lengthens it
   */
  public EphemeraAwsCredentialsProvider lasting(Duration minRemaining) {
    Objects.requireNonNull(minRemaining, "minRemaining");
    if (minRemaining.isNegative()) {
      throw new IllegalArgumentException("minRemaining must not be negative: " + minRemaining);
    }
    if (source instanceof OwningCredentialSource<?> owning) {
      owning.sessionLimit().ifPresent(limit -> checkLasts(limit, minRemaining));
    }
    return new EphemeraAwsCredentialsProvider(source, minRemaining);
  }

  private static void checkLasts(SessionLimit limit, Duration minRemaining) {
    if (minRemaining.compareTo(limit.served()) > 0) {
      throw new CredentialConfigurationException(
          limit.setting(),
          "is "
              + limit.session().getSeconds()
              + " s, so a credential is served for at most "
              + limit.served().getSeconds()
              + " s (the expiry margin off), less than lasting("
              + minRemaining
              + "): set a longer session, within the role's MaxSessionDuration");
    }
  }

  /**
   * The current credentials as the SDK's type.
   *
   * @throws CredentialUnavailableException (unchecked) when none can be had; the SDK passes it
   *     through to the caller of the request
   */
  @Override
  public AwsSessionCredentials resolveCredentials() {
    return current().toSdkCredentials();
  }

  /** The current credentials as an already-completed future shared by every caller. */
  @Override
  public CompletableFuture<AwsCredentialsIdentity> resolveIdentity(ResolveIdentityRequest request) {
    try {
      return current().sdkIdentity();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** {@return the source behind this provider} */
  public CredentialSource<AwsSessionCredential> source() {
    return source;
  }

  private AwsSessionCredential current() {
    Duration min = minRemaining;
    return min == null ? source.get() : source.get(min);
  }

  @Override
  public String toString() {
    return "EphemeraAwsCredentialsProvider[source="
        + source.name()
        + (minRemaining == null ? "" : ", lasting=" + minRemaining)
        + "]";
  }
}
