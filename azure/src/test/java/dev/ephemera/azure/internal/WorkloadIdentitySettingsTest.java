package dev.ephemera.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WorkloadIdentitySettingsTest {
  private static final WorkloadIdentitySettings SETTINGS =
      new WorkloadIdentitySettings(
          "5f0b6a3e-2c1d-4e8f-9a7b-1c2d3e4f5a6b",
          "AZURE_CLIENT_ID",
          "contoso.onmicrosoft.com",
          "tenantId",
          Path.of("/var/run/secrets/azure/tokens/azure-identity-token"),
          "AZURE_FEDERATED_TOKEN_FILE",
          URI.create("https://login.microsoftonline.us/"),
          "AZURE_AUTHORITY_HOST",
          true);

  @Test
  void authority_isTheHostFollowedByTheTenant() {
    assertThat(SETTINGS.authority())
        .isEqualTo("https://login.microsoftonline.us/contoso.onmicrosoft.com/");
  }

  @Test
  void target_isTenantSlashClient() {
    assertThat(SETTINGS.target())
        .isEqualTo("contoso.onmicrosoft.com/5f0b6a3e-2c1d-4e8f-9a7b-1c2d3e4f5a6b");
  }

  @Test
  @SuppressWarnings("NullAway") // passing null on purpose
  void nullParts_areRejected() {
    assertThatThrownBy(
            () ->
                new WorkloadIdentitySettings(
                    "c", "s", "t", "s", Path.of("f"), "s", URI.create("https://h/"), null, true))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("authorityHostSetting");
  }
}
