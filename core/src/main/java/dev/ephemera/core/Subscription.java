package dev.ephemera.core;

/** A registration made with {@link CredentialSource#subscribe}; closing it stops the calls. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  /** Stops further notifications. Idempotent. */
  @Override
  void close();
}
