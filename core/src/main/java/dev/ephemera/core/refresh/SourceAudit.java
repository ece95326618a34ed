package dev.ephemera.core.refresh;

import dev.ephemera.core.Credential;
import dev.ephemera.core.CredentialException;
import dev.ephemera.core.CredentialUnavailableException;
import dev.ephemera.core.SourceStatus;
import dev.ephemera.core.audit.AuditError;
import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditListener;
import dev.ephemera.core.audit.AuditOutcome;
import dev.ephemera.core.audit.AuditPublisher;
import dev.ephemera.core.spi.CredentialIssuer;
import dev.ephemera.core.spi.ErrorText;
import dev.ephemera.core.spi.IssueResult;
import dev.ephemera.core.spi.IssuerInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One source's audit trail: builds its events (time, source name, the issuer's audit fields, host)
 * and hands them to its {@link AuditPublisher}. Nothing here throws or blocks a refresh: an event
 * that cannot be built (a failing clock or issuer) is counted with the publisher's drops, and only
 * {@link #awaitDelivery()} at close waits, boundedly.
 */
final class SourceAudit {
  /** The longest {@link #awaitDelivery()} waits for the source's events to be delivered. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final String source;
  private final CredentialIssuer<?> issuer;
  private final Clock clock;
  private final AuditHost host;
  private final Scheduler scheduler;
  private final AtomicLong unbuilt = new AtomicLong();
  private final AuditPublisher publisher;

  SourceAudit(
      String source,
      CredentialIssuer<?> issuer,
      Clock clock,
      AuditHost host,
      Scheduler scheduler,
      List<AuditListener> listeners,
      int capacity) {
    this.source = source;
    this.issuer = issuer;
    this.clock = clock;
    this.host = host;
    this.scheduler = scheduler;
    this.publisher =
        new AuditPublisher(listeners, scheduler.auditDelivery(), capacity, this::dropReport);
  }

  /** A credential received: {@code ISSUED} when it is a rotation, else {@code RENEWED}. */
  void received(boolean rotated, IssueResult<?> result, long latencyNanos, int attempt) {
    publish(
        rotated ? AuditEventType.ISSUED : AuditEventType.RENEWED,
        AuditOutcome.SUCCESS,
        e -> {
          e.credential(result.credential())
              .latency(Duration.ofNanos(latencyNanos))
              .attempt(attempt);
          result.refreshIn().ifPresent(h -> e.attribute("refreshHintSeconds", seconds(h)));
          result.staleIn().ifPresent(h -> e.attribute("staleHintSeconds", seconds(h)));
        });
  }

  /** The upstream refused for good to renew {@code held}, after {@code start} on the ticker. */
  void renewalRefused(
      Credential held, CredentialUnavailableException e, int attempt, Ticker ticker, long start) {
    publish(
        AuditEventType.RENEWED,
        AuditOutcome.FAILURE,
        ev ->
            ev.credential(held)
                .latency(Duration.ofNanos(RefreshingCredentialSource.elapsedSince(ticker, start)))
                .attempt(attempt)
                .error(error(e)));
  }

  /** An attempt failed; {@code retryIn} is the planned retry, null when none could be planned. */
  void refreshFailed(
      CredentialUnavailableException error,
      long tookNanos,
      int attempt,
      @Nullable Duration retryIn) {
    publish(
        AuditEventType.REFRESH_FAILED,
        AuditOutcome.FAILURE,
        e -> {
          e.latency(Duration.ofNanos(Math.max(0, tookNanos))).attempt(attempt).error(error(error));
          if (retryIn != null) {
            e.attribute("retryInMs", Long.toString(retryIn.toMillis()));
          }
        });
  }

  /**
   * The held credential reached its end of service, unreplaced: the event names the refresh failure
   * that left it so, when there was one.
   */
  void expired(Credential c, @Nullable CredentialUnavailableException lastFailure) {
    publish(
        AuditEventType.EXPIRED,
        AuditOutcome.FAILURE,
        e -> {
          e.credential(c);
          if (lastFailure != null) {
            e.error(error(lastFailure));
          }
        });
  }

  /** The upstream revoked {@code c}. */
  void revoked(Credential c, long tookNanos) {
    publish(
        AuditEventType.REVOKED,
        AuditOutcome.SUCCESS,
        e -> e.credential(c).latency(Duration.ofNanos(tookNanos)));
  }

  /** Revoking {@code c} failed with {@code failure}. */
  void revokeFailed(Credential c, long tookNanos, Throwable failure) {
    publish(
        AuditEventType.REVOKED,
        AuditOutcome.FAILURE,
        e ->
            e.credential(c)
                .latency(Duration.ofNanos(tookNanos))
                .error(error(Failures.classify(failure))));
  }

  /** The source closed. */
  void closed() {
    publish(AuditEventType.CLOSED, AuditOutcome.SUCCESS, e -> {});
  }

  /** Events lost: dropped for a full listener queue, or never built. */
  long dropped() {
    return publisher.dropped() + unbuilt.get();
  }

  /** A subscriber threw on being told of {@code fresh}. */
  void subscriberFailed(Credential fresh, Throwable e) {
    publish(
        AuditEventType.ANOMALY,
        AuditOutcome.FAILURE,
        ev ->
            ev.credential(fresh)
                .attribute("anomaly", "subscriber-failed")
                .error(
                    new AuditError(
                        e.getClass().getSimpleName(), "", false, ErrorText.describe(e))));
  }

  /**
   * Reports a clock skew larger than {@code tolerance}: against the upstream's stated time when it
   * gave one, otherwise a credential worth less locally than its stated lifetime.
   */
  void reportSkew(
      Credential fresh, Instant now, @Nullable Instant upstreamTime, Duration tolerance) {
    if (upstreamTime != null) {
      // Positive: the local clock is ahead of the upstream's.
      Duration skew = Duration.between(upstreamTime, now);
      if (skew.abs().compareTo(tolerance) > 0) {
        publish(
            AuditEventType.ANOMALY,
            AuditOutcome.SUCCESS,
            e ->
                e.credential(fresh)
                    .attribute("anomaly", "clock-skew")
                    .attribute("skewSeconds", Long.toString(skew.getSeconds()))
                    .attribute("upstreamTime", upstreamTime.toString()));
      }
      return;
    }
    Duration stated = Duration.between(fresh.issuedAt(), fresh.expiresAt());
    Duration local = Duration.between(now, fresh.expiresAt());
    Duration skew = stated.minus(local).abs();
    if (skew.compareTo(tolerance) > 0 && local.compareTo(stated) < 0) {
      // Only when the credential is worth less locally than it says: a cached token handed back
      // with its remaining life (a metadata server) is normal and shows as local < stated only
      // when issuedAt is the original issue time, which is what this reports.
      publish(
          AuditEventType.ANOMALY,
          AuditOutcome.SUCCESS,
          e ->
              e.credential(fresh)
                  .attribute("anomaly", "lifetime-shorter-than-stated")
                  .attribute("skewSeconds", Long.toString(skew.toSeconds())));
    }
  }

  /**
   * Waits, at most {@link #CLOSE_WAIT} on the injected scheduler, for the source's events to reach
   * the listeners, so an application that closes its sources and then its audit file loses nothing.
   * A blocked listener delays {@code close()} by that bound, never more.
   */
  void awaitDelivery() {
    try {
      CompletableFuture<Void> delivered = publisher.flush();
      if (delivered.isDone()) {
        return;
      }
      Scheduler.Task giveUp = scheduler.schedule(() -> delivered.complete(null), CLOSE_WAIT);
      try {
        delivered.get();
      } finally {
        giveUp.cancel();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      // close() never fails for want of audit delivery
    }
  }

  /** The audit form of a failure: its origin's class, reason, terminality and sanitized message. */
  private static AuditError error(CredentialUnavailableException e) {
    Throwable origin = e.getCause() instanceof CredentialException c ? c : e;
    return new AuditError(
        origin.getClass().getSimpleName(),
        e.reason().name(),
        e.isTerminal(),
        ErrorText.sanitize(Failures.messageOf(e)));
  }

  /**
   * Builds and queues one event. Never throws: an event that cannot be built (a failing clock) is
   * counted in {@link SourceStatus#auditEventsDropped()}.
   */
  private void publish(
      AuditEventType type, AuditOutcome outcome, Consumer<AuditEvent.Builder> details) {
    if (!publisher.active()) {
      return;
    }
    try {
      AuditEvent.Builder e = event(type, outcome);
      details.accept(e);
      publisher.publish(e.build());
    } catch (Throwable t) {
      unbuilt.incrementAndGet();
    }
  }

  private AuditEvent.Builder event(AuditEventType type, AuditOutcome outcome) {
    return AuditEvent.builder(type, outcome)
        .time(clock.instant())
        .source(source)
        .issuer(describe())
        .host(host);
  }

  private AuditEvent dropReport(long dropped) {
    AuditEvent.Builder e;
    try {
      e = event(AuditEventType.ANOMALY, AuditOutcome.FAILURE);
    } catch (Throwable t) {
      e =
          AuditEvent.builder(AuditEventType.ANOMALY, AuditOutcome.FAILURE)
              .time(Instant.EPOCH)
              .source(source)
              .host(host);
    }
    return e.attribute("anomaly", "audit-events-dropped")
        .attribute("dropped", Long.toString(dropped))
        .build();
  }

  private static String seconds(Duration d) {
    return Long.toString(d.getSeconds());
  }

  private IssuerInfo describe() {
    try {
      return issuer.describe();
    } catch (Throwable e) {
      return IssuerInfo.of("unknown", "", "");
    }
  }
}
