package dev.ephemera.gcp;

import dev.ephemera.core.CredentialConfigurationException;
import dev.ephemera.core.Secret;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A Credential Access Boundary: the rules a downscoped token is limited to. Immutable, with value
 * equality, so it can be the scope key of a {@link dev.ephemera.core.scope.ScopedCredentials}.
 *
 * <pre>{@code
 * AccessBoundary reports = AccessBoundary.readOnlyBucket("reports");
 * AccessBoundary customerA = AccessBoundary.readOnlyPrefix("uploads", "customer-a/");
 * }</pre>
 *
 * <p>Google's limits are checked when it is built: 1 to 10 rules, permissions given as role
 * references ({@code inRole:roles/...}), a condition expression of at most 2,048 characters.
 */
public final class AccessBoundary {
  private static final int MAX_RULES = 10;
  private static final int MAX_EXPRESSION = 2048;

  private final List<Rule> rules;
  private final String json;

  private AccessBoundary(List<Rule> rules) {
    if (rules.isEmpty() || rules.size() > MAX_RULES) {
      throw new CredentialConfigurationException(
          "accessBoundary", "must have 1 to " + MAX_RULES + " rules, not " + rules.size());
    }
    this.rules = List.copyOf(rules);
    StringBuilder b = new StringBuilder("{\"accessBoundary\":{\"accessBoundaryRules\":[");
    for (int i = 0; i < this.rules.size(); i++) {
      b.append(i == 0 ? "" : ",").append(this.rules.get(i).toJson());
    }
    this.json = b.append("]}}").toString();
  }

  /**
   * {@return a boundary of the given rules}
   *
   * @param rules the rules
   */
  public static AccessBoundary of(Rule... rules) {
    return new AccessBoundary(List.of(rules));
  }

  /**
   * {@return a boundary of the given rules}
   *
   * @param rules the rules
   */
  public static AccessBoundary of(List<Rule> rules) {
    return new AccessBoundary(rules);
  }

  /**
   * {@return read-only ({@code roles/storage.objectViewer}) on every object of one bucket}
   *
   * @param bucket the bucket name
   */
  public static AccessBoundary readOnlyBucket(String bucket) {
    return of(Rule.of(bucketResource(bucket), "inRole:roles/storage.objectViewer"));
  }

  /**
   * {@return read-only on the objects of one bucket whose names start with {@code prefix}}
   *
   * @param bucket the bucket name
   * @param prefix the object key prefix
   */
  public static AccessBoundary readOnlyPrefix(String bucket, String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.indexOf('\'') >= 0 || prefix.indexOf('\\') >= 0) {
      throw new CredentialConfigurationException(
          "prefix", "must not contain quotes or backslashes: " + prefix);
    }
    return of(
        Rule.of(bucketResource(bucket), "inRole:roles/storage.objectViewer")
            .withCondition(
                new Condition(
                    "resource.name.startsWith('projects/_/buckets/"
                        + bucket
                        + "/objects/"
                        + prefix
                        + "')",
                    "prefix " + prefix,
                    "")));
  }

  private static String bucketResource(String bucket) {
    Objects.requireNonNull(bucket, "bucket");
    if (!bucket.matches("[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]")) {
      throw new CredentialConfigurationException("bucket", "is not a bucket name: " + bucket);
    }
    return "//storage.googleapis.com/projects/_/buckets/" + bucket;
  }

  /** {@return the rules} */
  public List<Rule> rules() {
    return rules;
  }

  /**
   * {@return STS's {@code options} value: {@code {"accessBoundary":{"accessBoundaryRules":[...]}}}}
   */
  public String toOptionsJson() {
    return json;
  }

  /** {@return {@code sha256:} and the fingerprint of {@link #toOptionsJson()}: the audit scope} */
  public String digest() {
    return "sha256:" + Secret.fingerprintOf(json);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof AccessBoundary that && rules.equals(that.rules);
  }

  @Override
  public int hashCode() {
    return rules.hashCode();
  }

  @Override
  public String toString() {
    return "AccessBoundary[" + digest() + ", " + rules + "]";
  }

  /**
   * One rule: a resource, the roles available on it, and an optional condition.
   *
   * @param availableResource the full resource name, e.g. {@code
   *     //storage.googleapis.com/projects/_/buckets/reports}
   * @param availablePermissions role references, each {@code inRole:roles/...}
   * @param condition a CEL condition narrowing the resource, or {@code null}
   */
  public record Rule(
      String availableResource, List<String> availablePermissions, @Nullable Condition condition) {

    /**
     * Validates the rule.
     *
     * @param availablePermissions role references, each {@code inRole:roles/...}
     * @param availableResource the full resource name, e.g. {@code
     *     //storage.googleapis.com/projects/_/buckets/reports}
     * @param condition a CEL condition narrowing the resource, or {@code null}
     */
    public Rule {
      Objects.requireNonNull(availableResource, "availableResource");
      if (availableResource.isBlank()) {
        throw new CredentialConfigurationException(
            "accessBoundary.availableResource", "must not be blank");
      }
      availablePermissions = List.copyOf(availablePermissions);
      if (availablePermissions.isEmpty()) {
        throw new CredentialConfigurationException(
            "accessBoundary.availablePermissions", "must name at least one role");
      }
      for (String p : availablePermissions) {
        if (!p.startsWith("inRole:") || p.length() == "inRole:".length()) {
          throw new CredentialConfigurationException(
              "accessBoundary.availablePermissions",
              "must be role references like inRole:roles/storage.objectViewer, not " + p);
        }
      }
    }

    /**
     * {@return a rule without a condition}
     *
     * @param availableResource the full resource name, e.g. {@code
     *     //storage.googleapis.com/projects/_/buckets/reports}
     * @param permissions the permissions
     */
    public static Rule of(String availableResource, String... permissions) {
      return new Rule(availableResource, List.of(permissions), null);
    }

    /**
     * {@return the same rule with a condition}
     *
     * @param newCondition the new condition
     */
    public Rule withCondition(Condition newCondition) {
      return new Rule(availableResource, availablePermissions, newCondition);
    }

    /** {@return the condition, if any} */
    public Optional<Condition> availabilityCondition() {
      return Optional.ofNullable(condition);
    }

    String toJson() {
      StringBuilder b =
          new StringBuilder("{\"availableResource\":").append(quote(availableResource));
      b.append(",\"availablePermissions\":[");
      for (int i = 0; i < availablePermissions.size(); i++) {
        b.append(i == 0 ? "" : ",").append(quote(availablePermissions.get(i)));
      }
      b.append(']');
      if (condition != null) {
        b.append(",\"availabilityCondition\":{\"expression\":")
            .append(quote(condition.expression()));
        if (!condition.title().isEmpty()) {
          b.append(",\"title\":").append(quote(condition.title()));
        }
        if (!condition.description().isEmpty()) {
          b.append(",\"description\":").append(quote(condition.description()));
        }
        b.append('}');
      }
      return b.append('}').toString();
    }
  }

  /**
   * A CEL availability condition.
   *
   * @param expression the expression, e.g. {@code
   *     resource.name.startsWith('projects/_/buckets/b/objects/a')}
   * @param title a short title, or empty
   * @param description a description, or empty
   */
  public record Condition(String expression, String title, String description) {
    /**
     * Validates the condition.
     *
     * @param description a description, or empty
     * @param expression the expression, e.g. {@code
     *     resource.name.startsWith('projects/_/buckets/b/objects/a')}
     * @param title a short title, or empty
     */
    public Condition {
      Objects.requireNonNull(expression, "expression");
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(description, "description");
      if (expression.isBlank() || expression.length() > MAX_EXPRESSION) {
        throw new CredentialConfigurationException(
            "accessBoundary.availabilityCondition.expression",
            "must have 1 to " + MAX_EXPRESSION + " characters, not " + expression.length());
      }
    }

    /**
     * {@return a condition with only an expression}
     *
     * @param expression the expression, e.g. {@code
     *     resource.name.startsWith('projects/_/buckets/b/objects/a')}
     */
    public static Condition of(String expression) {
      return new Condition(expression, "", "");
    }
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
