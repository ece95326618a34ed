package dev.ephemera.testkit.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ephemera.testkit.time.VirtualTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CloudStorageEmulatorTest {
  private final VirtualTime time = VirtualTime.create();
  private final GoogleTokenRegistry registry = GoogleTokenRegistry.create(time.clock());
  private final CloudStorageEmulator storage = CloudStorageEmulator.start(registry);

  @AfterEach
  void stop() {
    storage.close();
  }

  private int status(String token, String bucket, String object) {
    return Http.get(storage.objectUrl(bucket, object), "Authorization", "Bearer " + token)
        .statusCode();
  }

  private String token(@org.jspecify.annotations.Nullable String boundary) {
    return registry.mint(
        new GoogleToken("sts", "p", List.of(), time.now().plus(Duration.ofHours(1)), boundary));
  }

  @Test
  void aLiveToken_readsAnyObject_andAnUnknownOrExpiredOneIsRefused() {
    String t = token(null);
    assertThat(status(t, "b", "o")).isEqualTo(200);
    assertThat(status("ya29.nope", "b", "o")).isEqualTo(401);
    time.advance(Duration.ofHours(2));
    assertThat(status(t, "b", "o")).isEqualTo(401);
  }

  @Test
  void aDownscopedToken_readsOnlyWhatItsBoundaryAllows() {
    String bucketOnly =
        token(
            "{\"accessBoundaryRules\":[{\"availableResource\":\"//storage.googleapis.com/projects/_/buckets/a\",\"availablePermissions\":[\"inRole:roles/storage.objectViewer\"]}]}");
    assertThat(status(bucketOnly, "a", "x")).isEqualTo(200);
    assertThat(status(bucketOnly, "b", "x")).isEqualTo(403);
    String prefix =
        token(
            "{\"accessBoundaryRules\":[{\"availableResource\":\"//storage.googleapis.com/projects/_/buckets/a\",\"availablePermissions\":[\"inRole:roles/storage.objectViewer\"],\"availabilityCondition\":{\"expression\":\"resource.name.startsWith('projects/_/buckets/a/objects/p/')\"}}]}");
    assertThat(status(prefix, "a", "p/1")).isEqualTo(200);
    assertThat(status(prefix, "a", "q/1")).isEqualTo(403);
    assertThat(storage.journal().entries().get(0).request().header("authorization")).isPresent();
  }
}
