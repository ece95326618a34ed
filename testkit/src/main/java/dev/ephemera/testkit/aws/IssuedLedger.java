package dev.ephemera.testkit.aws;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What an AWS emulator has issued, by access key id, in order: one ledger per emulator. */
final class IssuedLedger {
  private final Map<String, IssuedAwsCredentials> byKey = new LinkedHashMap<>();

  synchronized void record(IssuedAwsCredentials credentials) {
    byKey.put(credentials.accessKeyId(), credentials);
  }

  synchronized Optional<IssuedAwsCredentials> find(String accessKeyId) {
    return Optional.ofNullable(byKey.get(accessKeyId));
  }

  synchronized List<IssuedAwsCredentials> all() {
    return List.copyOf(byKey.values());
  }

  /**
   * The secret key of {@code accessKeyId} if it was issued here and is still valid at {@code now}.
   */
  synchronized Optional<String> secretKeyIfValid(String accessKeyId, Instant now) {
    IssuedAwsCredentials c = byKey.get(accessKeyId);
    return c != null && c.validAt(now) ? Optional.of(c.secretAccessKey()) : Optional.empty();
  }
}
