package dev.ephemera.aws;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * S3Proxy 4.1.0, the real SigV4 verifier, run from its published jar-with-dependencies in a class
 * loader of its own: it needs Jetty 12.1, while WireMock on the test class path needs Jetty 11
 * (same package names). Its blob store locator asks {@code secrets} for the secret key of each
 * request's access key id, so credentials that rotate are verified like AWS would verify them.
 */
final class S3ProxyPeer implements AutoCloseable {
  private final URLClassLoader loader;
  private final Object proxy;
  private final Class<?> proxyClass;
  private final List<String> identitiesSeen = new CopyOnWriteArrayList<>();
  private final int port;

  S3ProxyPeer(Function<String, Optional<String>> secrets) throws Exception {
    String jar = System.getProperty("ephemera.s3proxy.jar", "target/s3proxy/s3proxy.jar");
    Path path = Path.of(jar);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException("S3Proxy jar not found at " + path + " (run through Maven)");
    }
    loader =
        new URLClassLoader(new URL[] {path.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    System.setProperty(
        "logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      Class<?> blobStoreType = loader.loadClass("org.gaul.s3proxy.blobstore.BlobStore");
      Object store =
          loader
              .loadClass("org.gaul.s3proxy.nio2blob.TransientNio2BlobStore")
              .getConstructor()
              .newInstance();
      proxyClass = loader.loadClass("org.gaul.s3proxy.S3Proxy");
      Object builder = proxyClass.getMethod("builder").invoke(null);
      Class<?> builderClass = builder.getClass();
      Class<?> authType = loader.loadClass("org.gaul.s3proxy.auth.AuthenticationType");
      Object v4 = authType.getMethod("valueOf", String.class).invoke(null, "AWS_V4");
      builderClass
          .getMethod("awsAuthentication", authType, String.class, String.class)
          .invoke(builder, v4, "no-static-identity", "no-static-credential");
      builderClass.getMethod("blobStore", blobStoreType).invoke(builder, store);
      // The SDK sends headers S3Proxy does not implement (amz-sdk-*, x-amz-sdk-checksum-*);
      // they are still covered by the signature when listed in SignedHeaders.
      builderClass.getMethod("ignoreUnknownHeaders", boolean.class).invoke(builder, true);
      builderClass
          .getMethod("endpoint", URI.class)
          .invoke(builder, URI.create("http://127.0.0.1:0"));
      proxy = builderClass.getMethod("build").invoke(builder);

      Class<?> locatorType = loader.loadClass("org.gaul.s3proxy.BlobStoreLocator");
      Constructor<?> grant =
          loader
              .loadClass("org.gaul.s3proxy.AccessGrant")
              .getConstructor(String.class, blobStoreType);
      Object locator =
          Proxy.newProxyInstance(
              loader,
              new Class<?>[] {locatorType},
              (self, method, args) -> {
                switch (method.getName()) {
                  case "locateBlobStore" -> {
                    String identity = (String) args[0];
                    identitiesSeen.add(identity == null ? "" : identity);
                    Optional<String> secret =
                        identity == null ? Optional.empty() : secrets.apply(identity);
                    return secret.isPresent() ? grant.newInstance(secret.get(), store) : null;
                  }
                  case "hashCode" -> {
                    return System.identityHashCode(self);
                  }
                  case "equals" -> {
                    return self == args[0];
                  }
                  default -> {
                    return "S3ProxyPeer.Locator";
                  }
                }
              });
      proxyClass.getMethod("setBlobStoreLocator", locatorType).invoke(proxy, locator);
      proxyClass.getMethod("start").invoke(proxy);
      Method getPort = proxyClass.getMethod("getPort");
      int p = 0;
      for (int i = 0; i < 200 && p <= 0; i++) {
        p = (int) getPort.invoke(proxy);
        if (p <= 0) {
          Thread.onSpinWait();
        }
      }
      port = p;
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The access key ids of every request S3Proxy authenticated, in order. */
  List<String> identitiesSeen() {
    return List.copyOf(identitiesSeen);
  }

  @Override
  public void close() throws Exception {
    try {
      proxyClass.getMethod("stop").invoke(proxy);
    } finally {
      loader.close();
    }
  }
}
