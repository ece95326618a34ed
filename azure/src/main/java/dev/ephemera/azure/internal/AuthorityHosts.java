package dev.ephemera.azure.internal;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.spi.http.EndpointPolicy;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Azure's rules for an Entra authority host: https only (core's {@link EndpointPolicy#httpsOnly()},
 * because MSAL accepts nothing else, loopback included; there is no plain-HTTP opt-in), a bare
 * {@code https://host[:port]/} with no path, query, fragment or user info, and Microsoft's own
 * hosts, on which MSAL's instance discovery is meaningful.
 */
public final class AuthorityHosts {
  private static final EndpointPolicy POLICY = EndpointPolicy.httpsOnly();

  private static final Set<String> MICROSOFT =
      Set.of(
          "login.microsoftonline.com",
          "login.windows.net",
          "login.microsoft.com",
          "sts.windows.net",
          "login.microsoftonline.us",
          "login-us.microsoftonline.com",
          "login.usgovcloudapi.net",
          "login.chinacloudapi.cn",
          "login.partner.microsoftonline.cn",
          "login.microsoftonline.de",
          "login.sovcloud-identity.fr",
          "login.sovcloud-identity.de",
          "login.sovcloud-identity.sg");

  private AuthorityHosts() {}

  /**
   * The authority host {@code value} names, normalized to {@code https://host[:port]/} (lower-case
   * host, no default port, a trailing slash).
   *
   * @param setting the setting's name for errors
   * @throws CredentialConfigurationException naming {@code setting} when {@code value} is not an
   *     https URL or is more than a bare authority host
   */
  public static URI check(String value, String setting) {
    URI uri = POLICY.check(value, setting);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || !(path.isEmpty() || path.equals("/"))) {
      throw new CredentialConfigurationException(
          setting,
          "must be a bare authority host like https://login.microsoftonline.com/, not '"
              + value
              + "'");
    }
    String host = Objects.requireNonNull(uri.getHost()).toLowerCase(Locale.ROOT);
    String port = uri.getPort() == -1 || uri.getPort() == 443 ? "" : ":" + uri.getPort();
    return URI.create("https://" + host + port + "/");
  }

  /** True for a host of Microsoft's public or sovereign clouds. */
  public static boolean isMicrosoft(String host) {
    return MICROSOFT.contains(host.toLowerCase(Locale.ROOT));
  }
}
