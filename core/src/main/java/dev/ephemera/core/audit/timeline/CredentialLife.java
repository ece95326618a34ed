package dev.ephemera.core.audit.timeline;

import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The life of one credential as its audit events tell it: issued, renewed, read, failed, expired,
 * revoked, in time order. The events of a source that name no credential (a {@code REFRESH_FAILED}
 * before anything was issued, a {@code CLOSED}) form a life of their own, that source's, with no
 * {@link #credentialId()}. Immutable.
 *
 * <p>Its summary ({@link #source()}, {@link #principal()}, {@link #issuedAt()}, {@link
 * #revokedAt()}, {@link #liveAt}, ...) always comes from all its events; {@link #events()} may be
 * narrowed by a query to those in a time window.
 */
public final class CredentialLife {
  private final @Nullable String credentialId;
  private final String source;
  private final String provider;
  private final String principal;
  private final String target;
  private final String scope;
  private final @Nullable Instant issuedAt;
  private final @Nullable Instant revokedAt;
  private final @Nullable Instant expiredAt;
  private final List<TimelineEvent> all;
  private final List<TimelineEvent> events;

  private CredentialLife(
      @Nullable String credentialId,
      String source,
      List<TimelineEvent> all,
      List<TimelineEvent> events) {
    this.credentialId = credentialId;
    this.all = all;
    this.events = events;
    String src = source;
    String prov = "";
    String princ = "";
    String targ = "";
    String scop = "";
    Instant issued = null;
    Instant issuedEvent = null;
    Instant revoked = null;
    Instant expired = null;
    for (TimelineEvent e : all) {
      src = src.isEmpty() ? e.source() : src;
      prov = prov.isEmpty() ? e.provider() : prov;
      princ = princ.isEmpty() ? e.principal() : princ;
      targ = targ.isEmpty() ? e.target() : targ;
      scop = scop.isEmpty() ? e.scope() : scop;
      if (issued == null && e.issuedAt().isPresent()) {
        issued = e.issuedAt().get();
      }
      boolean success = e.outcome() == AuditOutcome.SUCCESS;
      if (issuedEvent == null && success && e.type() == AuditEventType.ISSUED) {
        issuedEvent = e.time();
      }
      if (revoked == null && success && e.type() == AuditEventType.REVOKED) {
        revoked = e.time();
      }
      if (expired == null && e.type() == AuditEventType.EXPIRED) {
        expired = e.time();
      }
    }
    this.source = src;
    this.provider = prov;
    this.principal = princ;
    this.target = targ;
    this.scope = scop;
    this.issuedAt = issued != null ? issued : issuedEvent;
    this.revokedAt = revoked;
    this.expiredAt = expired;
  }

  /** {@return the life of {@code credentialId} (or of {@code source}'s id-less events)} */
  static CredentialLife of(
      @Nullable String credentialId, String source, List<TimelineEvent> sorted) {
    List<TimelineEvent> copy = List.copyOf(sorted);
    return new CredentialLife(credentialId, credentialId == null ? source : "", copy, copy);
  }

  /** {@return this life with only the events {@code keep} accepts; the summary unchanged} */
  CredentialLife restrictedTo(Predicate<TimelineEvent> keep) {
    List<TimelineEvent> kept = new ArrayList<>();
    for (TimelineEvent e : events) {
      if (keep.test(e)) {
        kept.add(e);
      }
    }
    return new CredentialLife(
        credentialId, credentialId == null ? source : "", all, List.copyOf(kept));
  }

  /**
   * {@return the credential's id as the trail wrote it (a keyed fingerprint in a chain file); empty
   * for a source's events that name no credential}
   */
  public Optional<String> credentialId() {
    return Optional.ofNullable(credentialId);
  }

  /** {@return the source's name: the first its events give} */
  public String source() {
    return source;
  }

  /** {@return the backend: the first its events give, or empty} */
  public String provider() {
    return provider;
  }

  /** {@return the workload's identity: the first its events give, or empty} */
  public String principal() {
    return principal;
  }

  /** {@return what was assumed or logged into: the first its events give, or empty} */
  public String target() {
    return target;
  }

  /** {@return how the credential is narrowed: the first its events give, or empty} */
  public String scope() {
    return scope;
  }

  /**
   * {@return when the credential was issued: the first {@code issuedAt} its events carry, else the
   * time of its first successful {@code ISSUED} event; empty when neither is known}
   */
  public Optional<Instant> issuedAt() {
    return Optional.ofNullable(issuedAt);
  }

  /**
   * {@return when the credential expires as last recorded (a renewal moves it), if any event
   * carries it}
   */
  public Optional<Instant> expiresAt() {
    Instant last = null;
    for (TimelineEvent e : all) {
      last = e.expiresAt().orElse(last);
    }
    return Optional.ofNullable(last);
  }

  /**
   * {@return when the credential expired as known at {@code time}: the {@code expiresAt} of its
   * last event at or before {@code time} that carries one (else of its first that does)}
   *
   * @param time the moment asked about
   */
  public Optional<Instant> expiresAtAsOf(Instant time) {
    Instant asOf = null;
    Instant first = null;
    for (TimelineEvent e : all) {
      Instant at = e.expiresAt().orElse(null);
      if (at == null) {
        continue;
      }
      if (first == null) {
        first = at;
      }
      if (!e.time().isAfter(time)) {
        asOf = at;
      }
    }
    return Optional.ofNullable(asOf != null ? asOf : first);
  }

  /** {@return the time of its first successful {@code REVOKED} event, if any} */
  public Optional<Instant> revokedAt() {
    return Optional.ofNullable(revokedAt);
  }

  /** {@return the time of its first {@code EXPIRED} event, if any} */
  public Optional<Instant> expiredAt() {
    return Optional.ofNullable(expiredAt);
  }

  /**
   * {@return whether the credential was live at {@code time}: issued at or before it, expiring
   * after it ({@link #expiresAtAsOf}), and neither revoked nor expired at or before it; never for a
   * life without a credential id}
   *
   * @param time the moment asked about
   */
  public boolean liveAt(Instant time) {
    if (credentialId == null || issuedAt == null || issuedAt.isAfter(time)) {
      return false;
    }
    Instant expires = expiresAtAsOf(time).orElse(null);
    return expires != null
        && expires.isAfter(time)
        && (revokedAt == null || revokedAt.isAfter(time))
        && (expiredAt == null || expiredAt.isAfter(time));
  }

  /** {@return its events, in time order (those the query kept)} */
  public List<TimelineEvent> events() {
    return events;
  }

  @Override
  public String toString() {
    return "CredentialLife["
        + (credentialId != null ? credentialId : "source " + source)
        + " events="
        + events.size()
        + "]";
  }
}
