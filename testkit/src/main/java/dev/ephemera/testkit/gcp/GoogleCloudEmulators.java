package dev.ephemera.testkit.gcp;

import dev.ephemera.testkit.oidc.OidcIssuer;
import java.time.Clock;
import java.util.Objects;

/**
 * Every Google emulator, started together around one {@link GoogleTokenRegistry} so tokens minted
 * by one are accepted by the others: the GKE metadata server, STS, IAM Credentials and Cloud
 * Storage. Close it to stop them all.
 *
 * <pre>{@code
 * try (OidcIssuer k8s = OidcIssuer.start(time.upstreamClock());
 *     GoogleCloudEmulators google = GoogleCloudEmulators.start(time.upstreamClock(), k8s)) {
 *   ... google.sts().tokenUrl() ... google.iam().impersonationUrl(google.iam().serviceAccount()) ...
 * }
 * }</pre>
 */
public final class GoogleCloudEmulators implements AutoCloseable {
  private final GoogleTokenRegistry registry;
  private final GkeMetadataServerEmulator metadata;
  private final GoogleStsEmulator sts;
  private final IamCredentialsEmulator iam;
  private final CloudStorageEmulator storage;

  private GoogleCloudEmulators(
      GoogleTokenRegistry registry,
      GkeMetadataServerEmulator metadata,
      GoogleStsEmulator sts,
      IamCredentialsEmulator iam,
      CloudStorageEmulator storage) {
    this.registry = registry;
    this.metadata = metadata;
    this.sts = sts;
    this.iam = iam;
    this.storage = storage;
  }

  /**
   * Starts all four with their defaults, on {@code clock}, trusting {@code oidc}.
   *
   * @param clock the clock it runs on
   * @param oidc the OIDC issuer whose tokens are trusted
   * @return the four running emulators
   */
  public static GoogleCloudEmulators start(Clock clock, OidcIssuer oidc) {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(oidc, "oidc");
    GoogleTokenRegistry registry = GoogleTokenRegistry.create(clock);
    GkeMetadataServerEmulator metadata =
        GkeMetadataServerEmulator.builder(clock).registry(registry).start();
    GoogleStsEmulator sts = GoogleStsEmulator.builder(clock, oidc).registry(registry).start();
    IamCredentialsEmulator iam = IamCredentialsEmulator.builder(clock).registry(registry).start();
    CloudStorageEmulator storage = CloudStorageEmulator.start(registry);
    return new GoogleCloudEmulators(registry, metadata, sts, iam, storage);
  }

  /** {@return the shared registry} */
  public GoogleTokenRegistry registry() {
    return registry;
  }

  /** {@return the GKE metadata server} */
  public GkeMetadataServerEmulator metadata() {
    return metadata;
  }

  /** {@return the Security Token Service} */
  public GoogleStsEmulator sts() {
    return sts;
  }

  /** {@return IAM Credentials} */
  public IamCredentialsEmulator iam() {
    return iam;
  }

  /** {@return cloud Storage} */
  public CloudStorageEmulator storage() {
    return storage;
  }

  @Override
  public void close() {
    storage.close();
    iam.close();
    sts.close();
    metadata.close();
  }
}
