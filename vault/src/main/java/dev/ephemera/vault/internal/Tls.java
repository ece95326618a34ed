package dev.ephemera.vault.internal;

import dev.ephemera.core.CredentialConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts for talking to Vault. */
public final class Tls {
  private Tls() {}

  /** The JVM's default context (the platform trust store). */
  public static SSLContext platform() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  /**
   * A context that trusts exactly the certificates in a PEM file ({@code VAULT_CACERT}).
   *
   * @throws CredentialConfigurationException naming {@code setting} if the file is missing,
   *     unreadable or holds no certificate
   */
  public static SSLContext trusting(Path pemFile, String setting) {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(pemFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (NoSuchFileException e) {
      throw new CredentialConfigurationException(
          setting, "names a file that does not exist: " + pemFile);
    } catch (IOException | GeneralSecurityException e) {
      throw new CredentialConfigurationException(
          setting, "names a file that is not a PEM certificate bundle: " + pemFile, e);
    }
    if (certs.isEmpty()) {
      throw new CredentialConfigurationException(
          setting, "names a file with no certificate: " + pemFile);
    }
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        trust.setCertificateEntry("vault-ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new CredentialConfigurationException(setting, "cannot be used as a trust store", e);
    }
  }
}
