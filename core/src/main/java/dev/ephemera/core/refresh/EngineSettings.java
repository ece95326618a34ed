package dev.ephemera.core.refresh;

import dev.ephemera.core.Credential;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The refresh-engine settings every backend builder takes, under the same names: source name,
 * {@link RefreshPolicy}, {@link Timebase}, audit listeners and host, prefetch, and the random
 * source behind jitter. A backend builder holds one {@link Builder}, implements {@link
 * EngineConfigurable} over it, and hands {@link #applyTo} the engine builder of each source it
 * builds.
 *
 * <p>Immutable; {@link #toBuilder()} copies.
 */
public final class EngineSettings {
  private static final EngineSettings DEFAULTS = new Builder().build();

  private final @Nullable String name;
  private final RefreshPolicy refreshPolicy;
  private final Timebase timebase;
  private final List<AuditListener> auditListeners;
  private final @Nullable AuditHost auditHost;
  private final boolean prefetch;
  private final @Nullable RandomGenerator random;

  private EngineSettings(Builder b) {
    this.name = b.name;
    this.refreshPolicy = b.refreshPolicy;
    this.timebase = b.timebase;
    this.auditListeners = List.copyOf(b.auditListeners);
    this.auditHost = b.auditHost;
    this.prefetch = b.prefetch;
    this.random = b.random;
  }

  /**
   * {@return the defaults: no name (each source names itself), default policy, system time,
   * prefetch}
   */
  public static EngineSettings defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder starting from these settings} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.refreshPolicy = refreshPolicy;
    b.timebase = timebase;
    b.auditListeners.addAll(auditListeners);
    b.auditHost = auditHost;
    b.prefetch = prefetch;
    b.random = random;
    return b;
  }

  /** {@return the source name, when one was set} */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** {@return when to refresh and how to retry} */
  public RefreshPolicy refreshPolicy() {
    return refreshPolicy;
  }

  /** {@return clock, ticker and scheduler} */
  public Timebase timebase() {
    return timebase;
  }

  /** {@return the audit listeners, in the order added} */
  public List<AuditListener> auditListeners() {
    return auditListeners;
  }

  /** {@return the audit host, when one was set (else {@link AuditHost#local()})} */
  public Optional<AuditHost> auditHost() {
    return Optional.ofNullable(auditHost);
  }

  /** {@return whether a source starts its first issuance when built} */
  public boolean prefetch() {
    return prefetch;
  }

  /**
   * {@return the random source behind jitter, when one was set (else a fresh generator per source)}
   */
  public Optional<RandomGenerator> random() {
    return Optional.ofNullable(random);
  }

  /**
   * Applies these settings to an engine builder.
   *
   * @param <C> the type of credential
   * @param engine the engine
   * @param defaultName the name used when none was set, e.g. {@code "aws-irsa"}
   * @return {@code engine}, configured
   */
  public <C extends Credential> RefreshingCredentialSource.Builder<C> applyTo(
      RefreshingCredentialSource.Builder<C> engine, String defaultName) {
    return applyTo(engine, defaultName, refreshPolicy);
  }

  /**
   * Applies these settings with another policy: for a backend whose sources of a second kind have
   * their own (Vault leases next to Vault tokens).
   *
   * @param <C> the type of credential
   * @param engine the engine
   * @param defaultName the name used when none was set, e.g. {@code "aws-irsa"}
   * @param policy the policy
   * @return {@code engine}, configured
   */
  public <C extends Credential> RefreshingCredentialSource.Builder<C> applyTo(
      RefreshingCredentialSource.Builder<C> engine, String defaultName, RefreshPolicy policy) {
    engine
        .name(name == null ? defaultName : name)
        .policy(policy)
        .timebase(timebase)
        .auditListeners(auditListeners)
        .prefetch(prefetch);
    if (auditHost != null) {
      engine.auditHost(auditHost);
    }
    if (random != null) {
      engine.random(ownGenerator(random));
    }
    return engine;
  }

  /**
   * One generator per source: a splittable one is split (so sources built from one seed draw
   * independent, reproducible streams and never share a generator across threads); any other is
   * shared, as given.
   */
  static RandomGenerator ownGenerator(RandomGenerator random) {
    if (random instanceof RandomGenerator.SplittableGenerator splittable) {
      synchronized (splittable) {
        return splittable.split();
      }
    }
    return random;
  }

  /** The settings, listeners by count: nothing here is secret, but listeners may be large. */
  @Override
  public String toString() {
    return "EngineSettings[name="
        + (name == null ? "(default)" : name)
        + ", policy="
        + refreshPolicy
        + ", listeners="
        + auditListeners.size()
        + ", prefetch="
        + prefetch
        + (random == null ? "" : ", seeded jitter")
        + "]";
  }

  /** Builds {@link EngineSettings}; each setter validates at once and names what is wrong. */
  public static final class Builder implements EngineConfigurable<Builder> {
    private @Nullable String name;
    private RefreshPolicy refreshPolicy = RefreshPolicy.defaults();
    private Timebase timebase = Timebase.system();
    private final List<AuditListener> auditListeners = new ArrayList<>();
    private @Nullable AuditHost auditHost;
    private boolean prefetch = true;
    private @Nullable RandomGenerator random;

    private Builder() {}

    @Override
    public Builder engine(java.util.function.Consumer<? super Builder> change) {
      change.accept(this);
      return this;
    }

    @Override
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    @Override
    public Builder refreshPolicy(RefreshPolicy policy) {
      this.refreshPolicy = Objects.requireNonNull(policy, "refreshPolicy");
      return this;
    }

    @Override
    public Builder timebase(Timebase timebase) {
      this.timebase = Objects.requireNonNull(timebase, "timebase");
      return this;
    }

    @Override
    public Builder auditListener(AuditListener listener) {
      auditListeners.add(Objects.requireNonNull(listener, "auditListener"));
      return this;
    }

    @Override
    public Builder auditHost(AuditHost host) {
      this.auditHost = Objects.requireNonNull(host, "auditHost");
      return this;
    }

    @Override
    public Builder prefetch(boolean prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    @Override
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** {@return the timebase set so far (backends stamp emulated or scaled time from it)} */
    public Timebase timebase() {
      return timebase;
    }

    /** {@return the settings} */
    public EngineSettings build() {
      return new EngineSettings(this);
    }
  }
}
