package dev.ephemera.examples.demo;

import java.time.Duration;

/**
 * The credential lifetimes of one run, scaled to its duration so that every run shows the whole
 * story: a refresh of every source, renewals up to a max TTL, a lease rotation reaching the pool,
 * re-login and revocation, an outage across a refresh. A run of 6 h or more uses the platforms'
 * usual lifetimes (one hour); a shorter run uses a sixth of its duration, down to AWS's minimum
 * session of 15 minutes, which makes 90 minutes the shortest run.
 *
 * @param unit the life of an access token, a Vault token or a lease (1 h at 6 h and above)
 */
record Lifetimes(Duration unit) {
  /** The usual lifetime of a platform token. */
  static final Duration USUAL = Duration.ofHours(1);

  /** The shortest unit: STS refuses sessions shorter than 900 s. */
  static final Duration SHORTEST_UNIT = Duration.ofMinutes(15);

  /** How many units a run must hold: the lease reaches its max TTL (3 units) with room to spare. */
  static final int UNITS_PER_RUN = 6;

  /** The shortest duration that tells the whole story. */
  static final Duration SHORTEST_RUN = SHORTEST_UNIT.multipliedBy(UNITS_PER_RUN);

  /**
   * The least real time a unit may take: below it, real delays (a vendor SDK's token request takes
   * tens of real milliseconds) become minutes of credential life, and a retry after the outage may
   * land after the held credential's end of service.
   */
  static final Duration LEAST_REAL_UNIT = Duration.ofSeconds(2);

  /** The lifetimes for a run of {@code duration}. */
  static Lifetimes forRun(Duration duration) {
    Duration unit = duration.dividedBy(UNITS_PER_RUN);
    if (unit.compareTo(USUAL) > 0) {
      unit = USUAL;
    }
    if (unit.compareTo(SHORTEST_UNIT) < 0) {
      unit = SHORTEST_UNIT;
    }
    return new Lifetimes(Duration.ofSeconds(unit.toSeconds()));
  }

  /** The fastest speed at which a unit still takes {@link #LEAST_REAL_UNIT} of real time. */
  double fastestSpeed() {
    return (double) unit.toNanos() / LEAST_REAL_UNIT.toNanos();
  }

  /** Entra ID, GKE metadata and STS answer "3599 s" for an hour. */
  Duration accessToken() {
    return unit.minusSeconds(1);
  }

  /** AWS STS {@code DurationSeconds}. */
  Duration awsSession() {
    return unit;
  }

  /** EKS Pod Identity hands out credentials for six hours. */
  Duration podIdentity() {
    return unit.multipliedBy(6);
  }

  /**
   * The GKE metadata server hands back its cached token until 5 minutes are left, whatever the
   * token's lifetime (GCE's documented behaviour). Not scaled: a client that refreshes at 2/3 of
   * what it received with its 60 s margin needs a token handed out with at least ~260 s left.
   */
  Duration metadataReissueWithin() {
    return Duration.ofMinutes(5);
  }

  /** A Vault token's TTL. */
  Duration vaultTokenTtl() {
    return unit;
  }

  /** A Vault token's max TTL: renewals stop there and the pod logs in again. */
  Duration vaultTokenMaxTtl() {
    return unit.multipliedBy(4);
  }

  /** A database lease's TTL. */
  Duration leaseTtl() {
    return unit;
  }

  /** A database lease's max TTL: then a new lease (new database login) is issued. */
  Duration leaseMaxTtl() {
    return unit.multipliedBy(3);
  }

  /** Grace for pooled connections before a superseded lease is revoked (2 min of 1 h). */
  Duration leaseRevokeGrace() {
    return unit.dividedBy(30);
  }

  /** How often the application reads its API key from KV (every 20 min of 1 h). */
  Duration kvReadEvery() {
    return unit.dividedBy(3);
  }

  /** How long a KV read is cached (5 min of 1 h). */
  Duration kvCacheTtl() {
    return unit.dividedBy(12);
  }
}
