package dev.ephemera.azure.internal;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The validated settings of one workload identity, each with the name of the setting it came from
 * (an environment variable or a builder method) so errors can name what to fix.
 *
 * @param clientId the application (client) id
 * @param clientIdSetting where {@code clientId} came from
 * @param tenantId the tenant id
 * @param tenantIdSetting where {@code tenantId} came from
 * @param tokenFile the projected token file
 * @param tokenFileSetting where {@code tokenFile} came from
 * @param authorityHost the authority host, {@code https://host[:port]/} (always a trailing slash)
 * @param authorityHostSetting where {@code authorityHost} came from
 * @param instanceDiscovery whether MSAL may run instance discovery (only for Microsoft's hosts)
 */
public record WorkloadIdentitySettings(
    String clientId,
    String clientIdSetting,
    String tenantId,
    String tenantIdSetting,
    Path tokenFile,
    String tokenFileSetting,
    URI authorityHost,
    String authorityHostSetting,
    boolean instanceDiscovery) {

  /** Validates that nothing is null. */
  public WorkloadIdentitySettings {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientIdSetting, "clientIdSetting");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(tenantIdSetting, "tenantIdSetting");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(tokenFileSetting, "tokenFileSetting");
    Objects.requireNonNull(authorityHost, "authorityHost");
    Objects.requireNonNull(authorityHostSetting, "authorityHostSetting");
  }

  /** MSAL's authority: {@code https://host[:port]/{tenant}/}. */
  public String authority() {
    return authorityHost + tenantId + "/";
  }

  /** The audit target: {@code {tenant}/{clientId}}. */
  public String target() {
    return tenantId + "/" + clientId;
  }
}
