package dev.ephemera.aws.internal;

import dev.ephemera.core.Credential;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.refresh.RefreshPolicy;
import dev.ephemera.core.refresh.RefreshingCredentialSource;
import dev.ephemera.core.refresh.Timebase;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The refresh-engine settings both AWS builders pass through to the core engine. */
public final class EngineSettings {
  private @Nullable String name;
  private RefreshPolicy policy = RefreshPolicy.defaults();
  private Timebase timebase = Timebase.system();
  private final List<AuditListener> listeners = new ArrayList<>();
  private @Nullable AuditHost host;
  private boolean prefetch = true;

  /** The source name. */
  public void name(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /** The refresh policy. */
  public void policy(RefreshPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "refreshPolicy");
  }

  /** The timebase. */
  public void timebase(Timebase timebase) {
    this.timebase = Objects.requireNonNull(timebase, "timebase");
  }

  /** The timebase in use. */
  public Timebase timebase() {
    return timebase;
  }

  /** Adds an audit listener. */
  public void listener(AuditListener listener) {
    listeners.add(Objects.requireNonNull(listener, "auditListener"));
  }

  /** The audit host. */
  public void host(AuditHost host) {
    this.host = Objects.requireNonNull(host, "auditHost");
  }

  /** Whether to start the first issuance at build. */
  public void prefetch(boolean prefetch) {
    this.prefetch = prefetch;
  }

  /** Applies these settings to an engine builder, with {@code nameSuffix} after the name. */
  public <C extends Credential> RefreshingCredentialSource.Builder<C> apply(
      RefreshingCredentialSource.Builder<C> b, String defaultName) {
    b.name(name == null ? defaultName : name)
        .policy(policy)
        .timebase(timebase)
        .auditListeners(listeners)
        .prefetch(prefetch);
    if (host != null) {
      b.auditHost(host);
    }
    return b;
  }
}
