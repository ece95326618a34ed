package dev.ephemera.testkit.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The testkit's self-signed TLS identity for {@code 127.0.0.1}, {@code ::1} and {@code localhost}:
 * emulators serve HTTPS with it, clients trust it through {@link #sslContext()} or {@link
 * #trustStore()}. It protects nothing and is published on purpose; it only makes loopback HTTPS
 * possible for clients that refuse plain HTTP (Google's STS client, MSAL).
 */
public final class LoopbackTls {
  /** The keystore password (not a secret: test-only, loopback-only). */
  public static final String PASSWORD = "ephemera-testkit";

  private static final String RESOURCE = "/dev/ephemera/testkit/tls/loopback.p12";

  private LoopbackTls() {}

  /** {@return a trust store holding only the loopback certificate} */
  public static KeyStore trustStore() {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ephemera-loopback", certificate());
      return trust;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the loopback trust store", e);
    }
  }

  /**
   * {@return the loopback certificate} Read once: opening the key store derives its keys from the
   * password, which costs more than a TLS handshake.
   */
  public static X509Certificate certificate() {
    return CertificateHolder.CERTIFICATE;
  }

  /** The certificate, read from the key store on first use. */
  private static final class CertificateHolder {
    static final X509Certificate CERTIFICATE = read();

    private static X509Certificate read() {
      try {
        Certificate c = keyStore().getCertificate("loopback");
        return (X509Certificate) c;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot read the loopback certificate", e);
      }
    }
  }

  /** {@return a trust manager that trusts only the loopback certificate} */
  public static X509TrustManager trustManager() {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore());
      return (X509TrustManager) tmf.getTrustManagers()[0];
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the loopback trust manager", e);
    }
  }

  /** {@return a TLS context that trusts only the loopback certificate} */
  public static SSLContext sslContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the loopback TLS context", e);
    }
  }

  /** {@return the PKCS#12 key store (certificate and key) emulators serve with} */
  public static KeyStore keyStore() {
    try (InputStream in = open()) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      return ks;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the loopback key store", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@return the key store copied to a file (for servers that take a path), in {@code dir}}
   *
   * @param dir the dir
   */
  public static Path keyStoreFile(Path dir) {
    try (InputStream in = open()) {
      Path file = dir.resolve("ephemera-loopback.p12");
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream open() {
    InputStream in = LoopbackTls.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException("missing resource " + RESOURCE);
    }
    return in;
  }
}
