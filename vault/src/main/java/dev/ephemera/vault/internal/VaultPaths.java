package dev.ephemera.vault.internal;

import dev.ephemera.core.CredentialConfigurationException;
import java.util.regex.Pattern;

/** Validation of the Vault paths users pass in (secret paths, mounts). */
public final class VaultPaths {
  private static final Pattern SAFE =
      Pattern.compile("[A-Za-z0-9._@:+=,~-]+(/[A-Za-z0-9._@:+=,~-]+)*");

  private VaultPaths() {}

  /**
   * {@code path} without surrounding slashes.
   *
   * @throws CredentialConfigurationException naming {@code setting} if it is empty, has empty or
   *     {@code ..} segments, or characters that would change the URL (query, fragment, spaces)
   */
  public static String normalize(String path, String setting) {
    if (path == null) {
      throw new CredentialConfigurationException(setting, "is not set");
    }
    String p = path.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.startsWith("v1/")) {
      throw new CredentialConfigurationException(
          setting, "must not start with v1/ (give the path inside the API): " + path);
    }
    if (p.isEmpty() || !SAFE.matcher(p).matches()) {
      throw new CredentialConfigurationException(
          setting, "is not a valid Vault path: '" + path + "'");
    }
    for (String segment : p.split("/")) {
      if (segment.equals("..") || segment.equals(".")) {
        throw new CredentialConfigurationException(
            setting, "must not contain . or .. segments: " + path);
      }
    }
    return p;
  }
}
