package dev.ephemera.core.audit.timeline;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What to show of an {@link AuditTimeline}: filters on a credential's id, principal, target and
 * source, and either a time window or a moment. Immutable; build with {@link #builder()}.
 *
 * <p>Every filter is an <em>exact</em>, case-sensitive match against the value the audit trail
 * wrote (no prefixes, no patterns): a credential id in a chain file is its keyed fingerprint {@code
 * hmac-sha256:...} and is matched as written. The filters apply to a whole life ({@link
 * CredentialLife#principal()} and the like); a life without a credential id never matches a
 * credential id filter.
 *
 * <p>The window {@code [from, to)} keeps the events at or after {@code from} and before {@code to}
 * (either end may be open), and the lives that have at least one. A moment ({@link Builder#at})
 * keeps the credentials {@linkplain CredentialLife#liveAt live} at it, with their events at or
 * before it.
 */
public final class TimelineQuery {
  private static final TimelineQuery ALL = builder().build();

  private final @Nullable String credentialId;
  private final @Nullable String principal;
  private final @Nullable String target;
  private final @Nullable String source;
  private final @Nullable Instant from;
  private final @Nullable Instant to;
  private final @Nullable Instant at;

  private TimelineQuery(Builder b) {
    this.credentialId = b.credentialId;
    this.principal = b.principal;
    this.target = b.target;
    this.source = b.source;
    this.from = b.from;
    this.to = b.to;
    this.at = b.at;
  }

  /** {@return the query that keeps everything} */
  public static TimelineQuery all() {
    return ALL;
  }

  /** {@return a builder with no filter, no window and no moment} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the credential id to match exactly, if any} */
  public Optional<String> credentialId() {
    return Optional.ofNullable(credentialId);
  }

  /** {@return the principal to match exactly, if any} */
  public Optional<String> principal() {
    return Optional.ofNullable(principal);
  }

  /** {@return the target to match exactly, if any} */
  public Optional<String> target() {
    return Optional.ofNullable(target);
  }

  /** {@return the source to match exactly, if any} */
  public Optional<String> source() {
    return Optional.ofNullable(source);
  }

  /** {@return the window's start (inclusive), if any} */
  public Optional<Instant> from() {
    return Optional.ofNullable(from);
  }

  /** {@return the window's end (exclusive), if any} */
  public Optional<Instant> to() {
    return Optional.ofNullable(to);
  }

  /** {@return the moment asked about ("what was live at"), if any} */
  public Optional<Instant> at() {
    return Optional.ofNullable(at);
  }

  /**
   * {@return whether {@code life} passes the filters (id, principal, target, source)}
   *
   * @param life a credential's life
   */
  public boolean matches(CredentialLife life) {
    return (credentialId == null || credentialId.equals(life.credentialId().orElse(null)))
        && (principal == null || principal.equals(life.principal()))
        && (target == null || target.equals(life.target()))
        && (source == null || source.equals(life.source()));
  }

  /** {@return whether the window has a start or an end} */
  boolean hasWindow() {
    return from != null || to != null;
  }

  /** {@return whether {@code time} is in the window {@code [from, to)}} */
  boolean inWindow(Instant time) {
    return (from == null || !time.isBefore(from)) && (to == null || time.isBefore(to));
  }

  @Override
  public String toString() {
    return "TimelineQuery[credentialId="
        + credentialId
        + " principal="
        + principal
        + " target="
        + target
        + " source="
        + source
        + " from="
        + from
        + " to="
        + to
        + " at="
        + at
        + "]";
  }

  /** Builds a {@link TimelineQuery}; every setting is optional. */
  public static final class Builder {
    private @Nullable String credentialId;
    private @Nullable String principal;
    private @Nullable String target;
    private @Nullable String source;
    private @Nullable Instant from;
    private @Nullable Instant to;
    private @Nullable Instant at;

    private Builder() {}

    /**
     * Keeps the credential with exactly this id (as written: a fingerprint in a chain file).
     *
     * @param credentialId the credential id
     * @return this builder
     */
    public Builder credentialId(String credentialId) {
      this.credentialId = Objects.requireNonNull(credentialId, "credentialId");
      return this;
    }

    /**
     * Keeps the lives of exactly this principal.
     *
     * @param principal the workload's identity
     * @return this builder
     */
    public Builder principal(String principal) {
      this.principal = Objects.requireNonNull(principal, "principal");
      return this;
    }

    /**
     * Keeps the lives of exactly this target.
     *
     * @param target the role, service account or Vault role or path
     * @return this builder
     */
    public Builder target(String target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /**
     * Keeps the lives of exactly this source.
     *
     * @param source the source's name
     * @return this builder
     */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Keeps the events at or after {@code from}.
     *
     * @param from the window's start, inclusive
     * @return this builder
     */
    public Builder from(Instant from) {
      this.from = Objects.requireNonNull(from, "from");
      return this;
    }

    /**
     * Keeps the events before {@code to}.
     *
     * @param to the window's end, exclusive
     * @return this builder
     */
    public Builder to(Instant to) {
      this.to = Objects.requireNonNull(to, "to");
      return this;
    }

    /**
     * Keeps the credentials live at {@code at}, with their events at or before it. Excludes a
     * window.
     *
     * @param at the moment asked about
     * @return this builder
     */
    public Builder at(Instant at) {
      this.at = Objects.requireNonNull(at, "at");
      return this;
    }

    /**
     * Builds the query.
     *
     * @return the new {@code TimelineQuery}
     * @throws IllegalArgumentException if {@code at} is set with {@code from} or {@code to}, or
     *     {@code from} is after {@code to}
     */
    public TimelineQuery build() {
      if (at != null && (from != null || to != null)) {
        throw new IllegalArgumentException("at excludes a window: set at, or from and to");
      }
      if (from != null && to != null && from.isAfter(to)) {
        throw new IllegalArgumentException("from " + from + " is after to " + to);
      }
      return new TimelineQuery(this);
    }
  }
}
