package dev.ephemera.gcp.internal;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * One access token as the library's source credentials (for impersonation): never refreshed by the
 * library, no expiry of its own (the library would judge it on the real clock), and a refresh
 * request (after a 401) fails cleanly instead of throwing an unchecked exception.
 */
final class FixedTokenCredentials extends GoogleCredentials {
  private static final long serialVersionUID = 1L;

  FixedTokenCredentials(String token) {
    super(GoogleCredentials.newBuilder().setAccessToken(new AccessToken(token, null)));
  }

  @Override
  public AccessToken refreshAccessToken() throws IOException {
    throw new IOException(
        "the federated token was rejected; the next issuance exchanges a new one");
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
    return "FixedTokenCredentials[redacted]";
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    throw new NotSerializableException("credentials are never serialized");
  }
}
