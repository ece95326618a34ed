package dev.ephemera.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.Secret;
import dev.ephemera.testkit.aws.StsError;
import dev.ephemera.testkit.time.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.ResolveIdentityRequest;

/** The adapter and the credential type: one SDK object per rotation, nothing secret shown. */
class EphemeraAwsCredentialsProviderTest {
  @SuppressWarnings("NullAway.Init")
  @TempDir
  Path dir;

  private final VirtualTime time = VirtualTime.create();

  @SuppressWarnings("NullAway.Init")
  private IrsaWorld world;

  @BeforeEach
  void start() {
    world = new IrsaWorld(time, dir);
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void resolveCredentials_returnsTheSameSdkObject_untilARotation() {
    try (var source = world.irsa().build()) {
      var provider = EphemeraAwsCredentialsProvider.of(source);
      AwsSessionCredentials a = provider.resolveCredentials();
      AwsSessionCredentials b = provider.resolveCredentials();
      assertThat(b).isSameAs(a);
      AwsSessionCredential held = source.get();
      assertThat(a.accessKeyId()).isEqualTo(held.id());
      assertThat(a.secretAccessKey()).isEqualTo(held.secretAccessKey().reveal());
      assertThat(a.sessionToken()).isEqualTo(held.sessionToken().reveal());
      assertThat(a.expirationTime()).contains(held.expiresAt());
      assertThat(a.accountId()).contains("111122223333");

      time.advance(Duration.ofMinutes(50));
      AwsSessionCredentials c = provider.resolveCredentials();
      assertThat(c).isNotSameAs(a);
      assertThat(c.accessKeyId()).isNotEqualTo(a.accessKeyId());
    }
  }

  @Test
  void resolveIdentity_sharesOneCompletedFuture_thatNobodyCanChange() {
    try (var source = world.irsa().build()) {
      var provider = EphemeraAwsCredentialsProvider.of(source);
      CompletableFuture<AwsCredentialsIdentity> f =
          provider.resolveIdentity(ResolveIdentityRequest.builder().build());
      assertThat(provider.resolveIdentity(ResolveIdentityRequest.builder().build())).isSameAs(f);
      assertThat(f.join()).isSameAs(provider.resolveCredentials());
      assertThat(provider.identityType()).isEqualTo(AwsCredentialsIdentity.class);
      assertThatThrownBy(() -> f.obtrudeValue(null))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThat(f.complete(null)).isFalse();
      assertThat(f.join()).isSameAs(provider.resolveCredentials());
    }
  }

  @Test
  void resolveIdentity_whenNoneCanBeHad_isAFailedFuture_notAThrow() {
    world.sts.failNext(StsError.ACCESS_DENIED);
    try (var source = world.irsa().prefetch(false).build()) {
      var f =
          EphemeraAwsCredentialsProvider.of(source)
              .resolveIdentity(ResolveIdentityRequest.builder().build());
      assertThat(f).isCompletedExceptionally();
      assertThatThrownBy(f::join).hasCauseInstanceOf(CredentialUnavailableException.class);
    }
  }

  @Test
  void lasting_refreshesEarly_whenTheHeldCredentialWouldNotLastLongEnough() {
    try (var source = world.irsa().build()) {
      var provider = EphemeraAwsCredentialsProvider.of(source);
      String first = provider.resolveCredentials().accessKeyId();
      time.advance(Duration.ofMinutes(30)); // 30 min left on the first, before its refresh
      assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo(first);
      String presign = provider.lasting(Duration.ofMinutes(45)).resolveCredentials().accessKeyId();
      assertThat(presign).isNotEqualTo(first);
      assertThat(world.sts.calls()).isEqualTo(2);
      assertThatThrownBy(() -> provider.lasting(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theCredentialsToString_showsTheKeyIdButNeverTheSecrets() {
    AwsSessionCredential c =
        AwsSessionCredential.builder()
            .accessKeyId("ASIAEXAMPLEEXAMPLE01")
            .secretAccessKey(Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"))
            .sessionToken(Secret.of("IQoJb3JpZ2luX2VjEXAMPLETOKEN"))
            .issuedAt(Instant.parse("2026-01-01T00:00:00Z"))
            .expiresAt(Instant.parse("2026-01-01T01:00:00Z"))
            .assumedRoleArn("arn:aws:sts::111122223333:assumed-role/app/s")
            .requestId("req-1")
            .build();
    String shown = c + " " + c.toSdkCredentials() + " " + c.auditAttributes();
    assertThat(shown)
        .contains("ASIAEXAMPLEEXAMPLE01")
        .doesNotContain("wJalrXUtnFEMI")
        .doesNotContain("IQoJb3JpZ2luX2VjEXAMPLETOKEN");
    assertThat(c.auditAttributes())
        .containsEntry("assumedRoleArn", "arn:aws:sts::111122223333:assumed-role/app/s")
        .containsEntry("requestId", "req-1");
    assertThat(EphemeraAwsCredentialsProvider.of(world.irsa().prefetch(false).build()).toString())
        .contains("aws-irsa");
    assertThatThrownBy(
            () ->
                AwsSessionCredential.builder()
                    .accessKeyId("ASIA")
                    .secretAccessKey(Secret.of("s"))
                    .sessionToken(Secret.of("t"))
                    .issuedAt(Instant.parse("2026-01-01T01:00:00Z"))
                    .expiresAt(Instant.parse("2026-01-01T00:00:00Z"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
