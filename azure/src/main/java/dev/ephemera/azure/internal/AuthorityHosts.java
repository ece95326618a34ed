package dev.ephemera.azure.internal;

import java.util.Locale;
import java.util.Set;

/** Microsoft's own Entra authority hosts, on which MSAL's instance discovery is meaningful. */
public final class AuthorityHosts {
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

  /** True for a host of Microsoft's public or sovereign clouds. */
  public static boolean isMicrosoft(String host) {
    return MICROSOFT.contains(host.toLowerCase(Locale.ROOT));
  }
}
