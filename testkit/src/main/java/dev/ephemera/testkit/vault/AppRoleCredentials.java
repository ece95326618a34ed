package dev.ephemera.testkit.vault;

/**
 * What an AppRole client needs: its role id and a secret id. Test values, not secrets worth
 * protecting, but treat them as a real client would.
 *
 * @param roleId the role id
 * @param secretId the secret id
 */
public record AppRoleCredentials(String roleId, String secretId) {
  @Override
  public String toString() {
    return "AppRoleCredentials[roleId=" + roleId + ", secretId=redacted]";
  }
}
