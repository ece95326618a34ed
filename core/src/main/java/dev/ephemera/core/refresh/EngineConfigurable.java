package dev.ephemera.core.refresh;

import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditListener;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The engine setters every backend builder has, with one name and one meaning each, so that the
 * builders of AWS, Google, Azure and Vault read the same. A builder implements {@link #engine} over
 * the {@link EngineSettings.Builder} it holds; every other method has a default that goes through
 * it.
 *
 * @param <B> the builder's own type, returned by every setter
 */
public interface EngineConfigurable<B extends EngineConfigurable<B>> {

  /**
   * Changes the engine settings in one go; every setter below is a shorthand for this.
   *
   * @param change the change
   * @return this builder
   */
  B engine(Consumer<? super EngineSettings.Builder> change);

  /**
   * The name in status, logs and audit events; defaults to the backend's name for the source.
   *
   * @param name the name
   * @return this builder
   */
  default B name(String name) {
    return engine(e -> e.name(name));
  }

  /**
   * When to refresh and how to retry; defaults to {@link RefreshPolicy#defaults()}.
   *
   * @param policy the policy
   * @return this builder
   */
  default B refreshPolicy(RefreshPolicy policy) {
    return engine(e -> e.refreshPolicy(policy));
  }

  /**
   * Clock, ticker and scheduler; defaults to {@link Timebase#system()}. Tests pass virtual time.
   *
   * @param timebase the clock, ticker and scheduler
   * @return this builder
   */
  default B timebase(Timebase timebase) {
    return engine(e -> e.timebase(timebase));
  }

  /**
   * Adds an audit listener; every source built gets every listener.
   *
   * @param listener the audit listener
   * @return this builder
   */
  default B auditListener(AuditListener listener) {
    return engine(e -> e.auditListener(listener));
  }

  /**
   * Adds audit listeners.
   *
   * @param listeners the listeners
   * @return this builder
   */
  default B auditListeners(List<? extends AuditListener> listeners) {
    return engine(e -> listeners.forEach(e::auditListener));
  }

  /**
   * The host stamped on audit events; defaults to {@link AuditHost#local()}.
   *
   * @param host the host
   * @return this builder
   */
  default B auditHost(AuditHost host) {
    return engine(e -> e.auditHost(host));
  }

  /**
   * Whether a source starts its first issuance when built (default true).
   *
   * @param prefetch the prefetch
   * @return this builder
   */
  default B prefetch(boolean prefetch) {
    return engine(e -> e.prefetch(prefetch));
  }

  /**
   * The random source behind refresh and backoff jitter; defaults to a fresh generator per source.
   * Tests pass a seeded one to replay a run.
   *
   * @param random the random source
   * @return this builder
   */
  default B random(RandomGenerator random) {
    return engine(e -> e.random(random));
  }
}
