package dev.ephemera.gcp;

import com.google.auth.RequestMetadataCallback;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import dev.ephemera.core.BearerToken;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.CredentialUnavailableException;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * {@link GoogleCredentials} backed by an Ephemera {@link CredentialSource}: every Google Cloud
 * client library (Storage, Pub/Sub, BigQuery, gRPC or HTTP) sends the source's current token, with
 * no second cache on top of Ephemera's.
 *
 * <pre>{@code
 * GoogleCredentials credentials = EphemeraGoogleCredentials.of(gcp.accessTokens());
 * Storage storage = StorageOptions.newBuilder().setCredentials(credentials).build().getService();
 * }</pre>
 *
 * <p>{@link #getRequestMetadata(URI)} reads the source's held token (one volatile read) and returns
 * the header map built once for that token: no lock, no clock read and no allocation per call. A
 * rotation builds the next map on first use. {@link #refresh()} (what Google's clients call after a
 * {@code 401}) asks the source for a new token and waits for it, bounded. It works for access
 * tokens and for ID tokens (an {@code Authorization: Bearer} header either way).
 *
 * <p>Never serializable: a token must not reach a disk. {@link #toString()} shows the token's id
 * only.
 */
public final class EphemeraGoogleCredentials extends GoogleCredentials {
  private static final long serialVersionUID = 1L;
  private static final Duration DEFAULT_REFRESH_WAIT = Duration.ofSeconds(30);

  /** The header map for one token, built once per token. */
  private static final class Snapshot {
    final BearerToken token;
    final Map<String, List<String>> metadata;
    final AccessToken accessToken;

    Snapshot(BearerToken token, @Nullable String quotaProjectId) {
      this.token = token;
      List<String> bearer = List.of("Bearer " + token.token().reveal());
      this.metadata =
          quotaProjectId == null
              ? Map.of("Authorization", bearer)
              : Map.of("Authorization", bearer, "x-goog-user-project", List.of(quotaProjectId));
      this.accessToken = new AccessToken(token.token().reveal(), Date.from(token.expiresAt()));
    }
  }

  private final transient CredentialSource<BearerToken> source;

  /** The project billed for quota, sent as {@code x-goog-user-project}, if any. */
  private final @Nullable String quotaProject;

  /** How long a blocking refresh waits for the source. */
  private final Duration refreshWait;

  private transient volatile @Nullable Snapshot snapshot;

  private EphemeraGoogleCredentials(
      CredentialSource<BearerToken> source, @Nullable String quotaProject, Duration refreshWait) {
    this.source = source;
    this.quotaProject = quotaProject;
    this.refreshWait = refreshWait;
  }

  /**
   * {@return Credentials that send {@code source}'s current token}
   *
   * @param source the credential source it reads
   */
  public static EphemeraGoogleCredentials of(CredentialSource<BearerToken> source) {
    return new EphemeraGoogleCredentials(
        Objects.requireNonNull(source, "source"), null, DEFAULT_REFRESH_WAIT);
  }

  /** {@return the source the tokens come from} */
  public CredentialSource<BearerToken> source() {
    return source;
  }

  @SuppressWarnings("ReferenceEquality") // the same token instance: the map built for it applies
  private Snapshot current() throws IOException {
    BearerToken token;
    try {
      token = source.get();
    } catch (CredentialUnavailableException e) {
      throw new IOException(e.getMessage(), e);
    }
    Snapshot s = snapshot;
    if (s != null && s.token == token) {
      return s;
    }
    s = new Snapshot(token, quotaProject);
    snapshot = s;
    return s;
  }

  /** The source's current token's header map; built once per token. */
  @Override
  public Map<String, List<String>> getRequestMetadata(@Nullable URI uri) throws IOException {
    return current().metadata;
  }

  /**
   * Answers at once when a token is held; otherwise when the source has one, on {@code executor}.
   */
  @Override
  public void getRequestMetadata(
      @Nullable URI uri, Executor executor, RequestMetadataCallback callback) {
    Optional<BearerToken> held = source.current();
    if (held.isPresent()) {
      try {
        callback.onSuccess(current().metadata);
      } catch (IOException e) {
        callback.onFailure(e);
      }
      return;
    }
    CompletableFuture<?> unused =
        source
            .getAsync()
            .whenCompleteAsync(
                (token, error) -> {
                  if (error != null) {
                    callback.onFailure(new IOException(error.getMessage(), error));
                    return;
                  }
                  try {
                    callback.onSuccess(current().metadata);
                  } catch (IOException e) {
                    callback.onFailure(e);
                  }
                },
                executor);
  }

  /** The source's current token, for the library's own bookkeeping ({@code getAccessToken()}). */
  @Override
  public AccessToken refreshAccessToken() throws IOException {
    return current().accessToken;
  }

  /**
   * Asks the source for a new token (Google's clients call this after a {@code 401}) and waits for
   * it, at most 30 seconds.
   */
  @Override
  public void refresh() throws IOException {
    try {
      source.refresh().get(refreshWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while refreshing " + source.name(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IOException(cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new IOException("no new token from " + source.name() + " within " + refreshWait, e);
    }
    super.refresh();
  }

  /** Keeps {@code getAccessToken()} in step with the source; no I/O while a token is held. */
  @Override
  @SuppressWarnings(
      "ReferenceEquality") // whether the library holds the object built for this token
  public void refreshIfExpired() throws IOException {
    Snapshot s = current();
    AccessToken known = getAccessToken();
    if (known != s.accessToken) {
      super.refresh();
    }
  }

  @Override
  public boolean hasRequestMetadata() {
    return true;
  }

  @Override
  public boolean hasRequestMetadataOnly() {
    return true;
  }

  /** The quota project sent as {@code x-goog-user-project}, or null. */
  @Override
  public @Nullable String getQuotaProjectId() {
    return quotaProject;
  }

  /** The same credentials, also sending {@code x-goog-user-project: quotaProject}. */
  @Override
  public EphemeraGoogleCredentials createWithQuotaProject(String quotaProject) {
    return new EphemeraGoogleCredentials(
        source, Objects.requireNonNull(quotaProject, "quotaProject"), refreshWait);
  }

  /** Scopes are the source's: this returns the same credentials. */
  @Override
  public GoogleCredentials createScoped(Collection<String> newScopes) {
    return this;
  }

  /** Scopes are the source's: this returns the same credentials. */
  @Override
  public GoogleCredentials createScoped(
      Collection<String> newScopes, Collection<String> newDefaultScopes) {
    return this;
  }

  /** Not supported: the source decides who the token is for. */
  @Override
  public GoogleCredentials createDelegated(String user) {
    throw new UnsupportedOperationException(
        "EphemeraGoogleCredentials send their source's token; delegation is not supported");
  }

  /** Not supported: copying would freeze one token into a credentials object without a source. */
  @Override
  public GoogleCredentials.Builder toBuilder() {
    throw new UnsupportedOperationException(
        "EphemeraGoogleCredentials cannot be copied; use createWithQuotaProject");
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    Snapshot s = snapshot;
    return "EphemeraGoogleCredentials[source="
        + source.name()
        + ", token="
        + (s == null ? "-" : s.token.id())
        + (quotaProject == null ? "" : ", quotaProject=" + quotaProject)
        + "]";
  }

  /**
   * Refuses serialization: these credentials hold a live source, never a token to write out.
   *
   * @param out the stream that would receive the object
   * @throws IOException always, a {@link NotSerializableException}
   */
  private void writeObject(ObjectOutputStream out) throws IOException {
    throw new NotSerializableException("credentials are never serialized");
  }
}
