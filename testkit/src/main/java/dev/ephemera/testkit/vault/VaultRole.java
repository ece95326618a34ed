package dev.ephemera.testkit.vault;

import dev.ephemera.testkit.oidc.ServiceAccount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A Vault auth role as the emulator enforces it: who may log in (service-account names and
 * namespaces for Kubernetes, subject and audience for JWT) and what the token gets (policies, TTL,
 * max TTL, renewability). Immutable; build with {@link #builder(String)}.
 */
public final class VaultRole {
  private final String name;
  private final Set<String> serviceAccountNames;
  private final Set<String> namespaces;
  private final String audience;
  private final @Nullable String boundSubject;
  private final Duration ttl;
  private final Duration maxTtl;
  private final boolean renewable;
  private final List<String> policies;

  private VaultRole(Builder b) {
    this.name = b.name;
    this.serviceAccountNames = Set.copyOf(b.serviceAccountNames);
    this.namespaces = Set.copyOf(b.namespaces);
    this.audience = b.audience;
    this.boundSubject = b.boundSubject;
    this.ttl = b.ttl;
    this.maxTtl = b.maxTtl;
    this.renewable = b.renewable;
    this.policies = List.copyOf(b.policies);
  }

  /**
   * {@return a builder for a role named {@code name}}
   *
   * @param name the name
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** {@return the role's name} */
  public String name() {
    return name;
  }

  /** {@return kubernetes: the service-account names allowed ({@code *} for any)} */
  public Set<String> serviceAccountNames() {
    return serviceAccountNames;
  }

  /** {@return kubernetes: the namespaces allowed ({@code *} for any)} */
  public Set<String> namespaces() {
    return namespaces;
  }

  /** {@return the audience the presented JWT must carry} */
  public String audience() {
    return audience;
  }

  /** {@return JWT: the {@code sub} the presented JWT must carry, if bound} */
  public Optional<String> boundSubject() {
    return Optional.ofNullable(boundSubject);
  }

  /** {@return the token TTL ({@code token_ttl})} */
  public Duration ttl() {
    return ttl;
  }

  /** {@return the token max TTL ({@code token_max_ttl})} */
  public Duration maxTtl() {
    return maxTtl;
  }

  /** {@return whether tokens from this role can be renewed} */
  public boolean renewable() {
    return renewable;
  }

  /** {@return the token policies ({@code default} is always added)} */
  public List<String> policies() {
    return policies;
  }

  @Override
  public String toString() {
    return "VaultRole[" + name + ", ttl=" + ttl + ", maxTtl=" + maxTtl + "]";
  }

  /** Builds a {@link VaultRole}. Defaults: audience {@code vault}, TTL 1 h, max TTL 32 days. */
  public static final class Builder {
    private final String name;
    private final Set<String> serviceAccountNames = new LinkedHashSet<>();
    private final Set<String> namespaces = new LinkedHashSet<>();
    private String audience = "vault";
    private @Nullable String boundSubject;
    private Duration ttl = Duration.ofHours(1);
    private Duration maxTtl = Duration.ofDays(32);
    private boolean renewable = true;
    private final List<String> policies = new ArrayList<>();

    private Builder(String name) {
      this.name = requireText(name, "name");
    }

    /**
     * Allows {@code account} (its name and its namespace).
     *
     * @param account the service account
     * @return this builder
     */
    public Builder boundServiceAccount(ServiceAccount account) {
      serviceAccountNames.add(account.name());
      namespaces.add(account.namespace());
      return this;
    }

    /**
     * Allows these service-account names ({@code *} for any).
     *
     * @param names the names
     * @return this builder
     */
    public Builder boundServiceAccountNames(String... names) {
      for (String n : names) {
        serviceAccountNames.add(requireText(n, "service account name"));
      }
      return this;
    }

    /**
     * Allows these namespaces ({@code *} for any).
     *
     * @param names the names
     * @return this builder
     */
    public Builder boundNamespaces(String... names) {
      for (String n : names) {
        namespaces.add(requireText(n, "namespace"));
      }
      return this;
    }

    /**
     * The audience the JWT must carry.
     *
     * @param audience the audience the JWT must carry
     * @return this builder
     */
    public Builder audience(String audience) {
      this.audience = requireText(audience, "audience");
      return this;
    }

    /**
     * JWT: the subject the JWT must carry.
     *
     * @param subject the subject ({@code sub})
     * @return this builder
     */
    public Builder boundSubject(String subject) {
      this.boundSubject = requireText(subject, "subject");
      return this;
    }

    /**
     * Token TTL; positive.
     *
     * @param ttl the time to live; positive
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      this.ttl = positive(ttl, "ttl");
      return this;
    }

    /**
     * Token max TTL; positive.
     *
     * @param maxTtl the maximum time to live; positive
     * @return this builder
     */
    public Builder maxTtl(Duration maxTtl) {
      this.maxTtl = positive(maxTtl, "maxTtl");
      return this;
    }

    /**
     * Whether tokens can be renewed; default true.
     *
     * @param renewable whether tokens can be renewed; default true
     * @return this builder
     */
    public Builder renewable(boolean renewable) {
      this.renewable = renewable;
      return this;
    }

    /**
     * Token policies.
     *
     * @param names the names
     * @return this builder
     */
    public Builder policies(String... names) {
      for (String n : names) {
        policies.add(requireText(n, "policy"));
      }
      return this;
    }

    /**
     * Builds the role.
     *
     * @return the new {@code VaultRole}
     */
    public VaultRole build() {
      if (maxTtl.compareTo(ttl) < 0) {
        throw new IllegalArgumentException("maxTtl " + maxTtl + " is shorter than ttl " + ttl);
      }
      return new VaultRole(this);
    }
  }

  static String requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return value;
  }

  static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero() || d.toNanos() % 1_000_000_000L != 0) {
      throw new IllegalArgumentException(
          what + " must be a positive whole number of seconds: " + d);
    }
    return d;
  }
}
