package dev.ephemera.core.refresh;

import dev.ephemera.core.Credential;
import dev.ephemera.core.Subscription;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Who a source tells of a rotation (connection pools, adapters). Each subscriber is told in
 * isolation: one that throws is audited as an {@code ANOMALY} and the others are still told.
 *
 * @param <C> the credential type
 */
final class Subscribers<C extends Credential> {
  private final List<Consumer<? super C>> subscribers = new CopyOnWriteArrayList<>();
  private final SourceAudit audit;

  Subscribers(SourceAudit audit) {
    this.audit = audit;
  }

  /** Adds {@code onRotation}; closing the subscription removes it. */
  Subscription add(Consumer<? super C> onRotation) {
    subscribers.add(onRotation);
    return () -> subscribers.remove(onRotation);
  }

  /** Tells every subscriber of {@code fresh}, in subscription order. */
  void tell(C fresh) {
    for (Consumer<? super C> s : subscribers) {
      try {
        s.accept(fresh);
      } catch (Throwable e) {
        audit.subscriberFailed(fresh, e);
      }
    }
  }

  void clear() {
    subscribers.clear();
  }
}
