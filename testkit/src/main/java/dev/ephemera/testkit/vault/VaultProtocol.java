package dev.ephemera.testkit.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.oidc.TokenRejectedException;
import dev.ephemera.testkit.oidc.VerifiedToken;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Vault's HTTP API over the emulator's state. Thread-safe: every entry point is synchronized. */
final class VaultProtocol implements EmulatedProtocol {
  enum Method {
    KUBERNETES,
    JWT,
    APPROLE
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(h|m|s)");
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private final Clock clock;
  private final @Nullable OidcIssuer oidc;
  private final String namespace;
  private final Duration systemMaxTtl;
  private final SecureRandom random = new SecureRandom();

  private final Map<String, Mount> authMounts = new LinkedHashMap<>();
  private final Map<String, DynamicSpec> dynamicSecrets = new LinkedHashMap<>();
  private final Map<String, Map<String, List<KvVersion>>> kv = new LinkedHashMap<>();
  private final Map<String, Token> tokensByValue = new LinkedHashMap<>();
  private final List<Token> tokens = new ArrayList<>();
  private final Map<String, Lease> leasesById = new LinkedHashMap<>();
  private final Map<String, Wrapped> wrapped = new LinkedHashMap<>();
  private boolean sealed;

  VaultProtocol(Clock clock, @Nullable OidcIssuer oidc, String namespace, Duration systemMaxTtl) {
    this.clock = clock;
    this.oidc = oidc;
    this.namespace = namespace;
    this.systemMaxTtl = systemMaxTtl;
  }

  // ================================================================== state model

  private static final class Mount {
    final Method method;
    final String path;
    final Map<String, VaultRole> roles = new LinkedHashMap<>();
    final Map<String, AppRoleEntry> byRoleId = new LinkedHashMap<>();

    Mount(Method method, String path) {
      this.method = method;
      this.path = path;
    }
  }

  private static final class AppRoleEntry {
    final VaultRole role;
    final String roleId;
    final List<String> secretIds = new ArrayList<>();

    AppRoleEntry(VaultRole role, String roleId) {
      this.role = role;
      this.roleId = roleId;
    }
  }

  private record DynamicSpec(String path, Duration ttl, Duration maxTtl, boolean renewable) {}

  private record KvVersion(
      int version, Map<String, String> data, Instant createdAt, @Nullable Instant deletedAt) {}

  private static final class Wrapped {
    final Instant expiresAt;
    final ObjectNode data;
    boolean used;

    Wrapped(Instant expiresAt, ObjectNode data) {
      this.expiresAt = expiresAt;
      this.data = data;
    }
  }

  private static final class Token {
    final String value;
    final String accessor;
    final String authPath;
    final VaultRole role;
    final Map<String, String> metadata;
    final Instant issuedAt;
    final Instant maxExpiresAt;
    Instant expiresAt;
    @Nullable Instant lastRenewal;
    int renewals;
    @Nullable Instant revokedAt;

    Token(
        String value,
        String accessor,
        String authPath,
        VaultRole role,
        Map<String, String> metadata,
        Instant issuedAt,
        Instant expiresAt,
        Instant maxExpiresAt) {
      this.value = value;
      this.accessor = accessor;
      this.authPath = authPath;
      this.role = role;
      this.metadata = metadata;
      this.issuedAt = issuedAt;
      this.expiresAt = expiresAt;
      this.maxExpiresAt = maxExpiresAt;
    }

    Ending ending(Instant now) {
      if (revokedAt != null) {
        return Ending.REVOKED;
      }
      return now.isBefore(expiresAt) ? Ending.ALIVE : Ending.EXPIRED;
    }

    @Nullable Instant endedAt(Instant now) {
      if (revokedAt != null) {
        return revokedAt;
      }
      return now.isBefore(expiresAt) ? null : expiresAt;
    }

    boolean alive(Instant now) {
      return ending(now) == Ending.ALIVE;
    }

    List<String> policies() {
      List<String> p = new ArrayList<>();
      p.add("default");
      role.policies().stream().filter(x -> !x.equals("default")).forEach(p::add);
      return p;
    }
  }

  private static final class Lease {
    final String id;
    final DynamicSpec spec;
    final Token token;
    final Instant issuedAt;
    final Instant maxExpiresAt;
    Instant expiresAt;
    @Nullable Instant lastRenewal;
    int renewals;
    @Nullable Instant revokedAt;

    Lease(
        String id,
        DynamicSpec spec,
        Token token,
        Instant issuedAt,
        Instant expiresAt,
        Instant maxExpiresAt) {
      this.id = id;
      this.spec = spec;
      this.token = token;
      this.issuedAt = issuedAt;
      this.expiresAt = expiresAt;
      this.maxExpiresAt = maxExpiresAt;
    }

    /** The earliest of: explicit revocation, natural expiry, its token's end. */
    Ending ending(Instant now) {
      Instant tokenEnd = token.endedAt(now);
      Instant natural = now.isBefore(expiresAt) ? null : expiresAt;
      Ending best = Ending.ALIVE;
      Instant at = null;
      if (revokedAt != null) {
        best = Ending.REVOKED;
        at = revokedAt;
      }
      if (tokenEnd != null && (at == null || tokenEnd.isBefore(at))) {
        best = Ending.REVOKED_WITH_TOKEN;
        at = tokenEnd;
      }
      if (natural != null && (at == null || natural.isBefore(at))) {
        best = Ending.EXPIRED;
      }
      return best;
    }

    @Nullable Instant endedAt(Instant now) {
      Ending e = ending(now);
      return switch (e) {
        case ALIVE -> null;
        case REVOKED -> revokedAt;
        case REVOKED_WITH_TOKEN -> token.endedAt(now);
        case EXPIRED -> expiresAt;
      };
    }
  }

  // ================================================================== configuration API

  synchronized void addRole(Method method, String mountPath, VaultRole role) {
    if (method != Method.APPROLE && oidc == null) {
      throw new IllegalStateException("Kubernetes and JWT roles need VaultEmulator.Builder.oidc");
    }
    mount(method, mountPath).roles.put(role.name(), role);
  }

  synchronized AppRoleCredentials addAppRole(String mountPath, VaultRole role) {
    Mount m = mount(Method.APPROLE, mountPath);
    m.roles.put(role.name(), role);
    AppRoleEntry entry = new AppRoleEntry(role, UUID.randomUUID().toString());
    m.byRoleId.put(entry.roleId, entry);
    String secretId = UUID.randomUUID().toString();
    entry.secretIds.add(secretId);
    return new AppRoleCredentials(entry.roleId, secretId);
  }

  synchronized String newSecretId(String roleName) {
    AppRoleEntry entry = appRoleEntry(roleName);
    String secretId = UUID.randomUUID().toString();
    entry.secretIds.add(secretId);
    return secretId;
  }

  synchronized String wrapSecretId(String roleName, Duration ttl) {
    String secretId = newSecretId(roleName);
    ObjectNode data = NODES.objectNode();
    data.put("secret_id", secretId);
    data.put("secret_id_accessor", UUID.randomUUID().toString());
    data.put("secret_id_ttl", 0);
    data.put("secret_id_num_uses", 0);
    String token = "hvs." + randomString(24);
    wrapped.put(token, new Wrapped(clock.instant().plus(ttl), data));
    return token;
  }

  synchronized void addDynamicSecret(String path, Duration ttl, Duration maxTtl, boolean renew) {
    String p = trimSlashes(VaultRole.requireText(path, "path"));
    dynamicSecrets.put(
        p,
        new DynamicSpec(
            p, VaultRole.positive(ttl, "ttl"), VaultRole.positive(maxTtl, "maxTtl"), renew));
  }

  synchronized int putKv(String mount, String path, Map<String, String> data) {
    List<KvVersion> versions =
        kv.computeIfAbsent(trimSlashes(mount), k -> new LinkedHashMap<>())
            .computeIfAbsent(trimSlashes(path), k -> new ArrayList<>());
    int version = versions.size() + 1;
    versions.add(new KvVersion(version, Map.copyOf(data), clock.instant(), null));
    return version;
  }

  synchronized void deleteKv(String mount, String path) {
    List<KvVersion> versions = kv.getOrDefault(trimSlashes(mount), Map.of()).get(trimSlashes(path));
    if (versions == null || versions.isEmpty()) {
      throw new IllegalArgumentException("no KV secret " + mount + "/" + path);
    }
    KvVersion last = versions.get(versions.size() - 1);
    versions.set(
        versions.size() - 1,
        new KvVersion(last.version(), last.data(), last.createdAt(), clock.instant()));
  }

  synchronized void setSealed(boolean sealed) {
    this.sealed = sealed;
  }

  synchronized void revokeByAccessor(String accessor) {
    Instant now = clock.instant();
    for (Token t : tokens) {
      if (t.accessor.equals(accessor) && t.alive(now)) {
        t.revokedAt = now;
      }
    }
  }

  synchronized List<TokenState> tokens() {
    Instant now = clock.instant();
    return tokens.stream()
        .map(
            t ->
                new TokenState(
                    t.accessor,
                    t.authPath,
                    t.role.name(),
                    t.policies(),
                    t.issuedAt,
                    t.expiresAt,
                    t.maxExpiresAt,
                    t.renewals,
                    t.ending(now),
                    t.endedAt(now)))
        .toList();
  }

  synchronized List<LeaseState> leases() {
    Instant now = clock.instant();
    return leasesById.values().stream()
        .map(
            l ->
                new LeaseState(
                    l.id,
                    l.spec.path(),
                    l.token.accessor,
                    l.issuedAt,
                    l.expiresAt,
                    l.maxExpiresAt,
                    l.renewals,
                    l.ending(now),
                    l.endedAt(now)))
        .toList();
  }

  synchronized Optional<String> accessorOf(String token) {
    return Optional.ofNullable(tokensByValue.get(token)).map(t -> t.accessor);
  }

  private Mount mount(Method method, String mountPath) {
    String p = trimSlashes(VaultRole.requireText(mountPath, "mount"));
    Mount m = authMounts.computeIfAbsent(p, k -> new Mount(method, k));
    if (m.method != method) {
      throw new IllegalArgumentException("auth/" + p + " is a " + m.method + " mount");
    }
    return m;
  }

  private AppRoleEntry appRoleEntry(String roleName) {
    for (Mount m : authMounts.values()) {
      for (AppRoleEntry e : m.byRoleId.values()) {
        if (e.role.name().equals(roleName)) {
          return e;
        }
      }
    }
    throw new IllegalArgumentException("no AppRole role " + roleName);
  }

  // ================================================================== the wire

  @Override
  public synchronized EmulatedResponse handle(EmulatedRequest request) {
    if (!request.path().startsWith("/v1/")) {
      return errors(404, List.of());
    }
    String path = request.path().substring(4);
    String ns = normalizeNamespace(request.header("x-vault-namespace").orElse(""));
    if (ns.isEmpty() && !namespace.isEmpty() && path.startsWith(namespace)) {
      ns = namespace;
      path = path.substring(namespace.length());
    }
    path = trimSlashes(path);
    if (sealed) {
      return errors(503, List.of("Vault is sealed"));
    }
    String method = request.method().toUpperCase(Locale.ROOT);
    if (method.equals("PUT")) {
      method = "POST";
    }
    boolean login = path.startsWith("auth/") && path.endsWith("/login");
    if (!ns.equals(namespace)) {
      return login ? noHandler(path) : permissionDenied();
    }
    JsonNode body;
    try {
      body = request.body().isBlank() ? NODES.objectNode() : JSON.readTree(request.body());
    } catch (JsonProcessingException e) {
      return errors(400, List.of("failed to parse JSON input: invalid character"));
    }
    if (!body.isObject()) {
      body = NODES.objectNode();
    }
    if (login) {
      Mount m = authMounts.get(path.substring(5, path.length() - 6));
      if (m == null) {
        return noHandler(path);
      }
      if (!method.equals("POST")) {
        return errors(405, List.of("unsupported operation"));
      }
      return switch (m.method) {
        case KUBERNETES -> kubernetesLogin(m, body);
        case JWT -> jwtLogin(m, body);
        case APPROLE -> appRoleLogin(m, body);
      };
    }
    switch (path) {
      case "auth/token/renew-self":
        return method.equals("POST") ? renewSelf(request, body) : errors(405, List.of());
      case "auth/token/revoke-self":
        return method.equals("POST") ? revokeSelf(request) : errors(405, List.of());
      case "auth/token/lookup-self":
        return lookupSelf(request);
      case "sys/wrapping/unwrap":
        return unwrap(request, body);
      default:
        break;
    }
    if (path.startsWith("sys/leases/renew") || path.equals("sys/renew")) {
      return renewLease(request, body, suffix(path, "sys/leases/renew"));
    }
    if (path.startsWith("sys/leases/revoke") || path.equals("sys/revoke")) {
      return revokeLease(request, body, suffix(path, "sys/leases/revoke"));
    }
    if (path.equals("sys/leases/lookup")) {
      return lookupLease(request, body);
    }
    DynamicSpec dynamic = dynamicSecrets.get(path);
    if (dynamic != null) {
      return readDynamic(request, dynamic);
    }
    for (String mount : kv.keySet()) {
      if (path.startsWith(mount + "/data/")) {
        return method.equals("GET")
            ? readKv(request, mount, path.substring(mount.length() + 6))
            : errors(405, List.of());
      }
    }
    return noHandler(path);
  }

  // ------------------------------------------------------------------ logins

  private EmulatedResponse kubernetesLogin(Mount m, JsonNode body) {
    String roleName = text(body, "role");
    String jwt = text(body, "jwt");
    if (roleName.isEmpty()) {
      return errors(400, List.of("missing role"));
    }
    if (jwt.isEmpty()) {
      return errors(400, List.of("missing jwt"));
    }
    VaultRole role = m.roles.get(roleName);
    if (role == null) {
      return errors(400, List.of("invalid role name \"" + roleName + "\""));
    }
    VerifiedToken verified;
    try {
      verified = verifier().verify(jwt, role.audience());
    } catch (TokenRejectedException e) {
      return permissionDenied();
    }
    String[] sub = verified.subject().split(":", -1);
    if (sub.length != 4 || !sub[0].equals("system") || !sub[1].equals("serviceaccount")) {
      return errors(403, List.of("permission denied"));
    }
    String saNamespace = sub[2];
    String saName = sub[3];
    if (!role.serviceAccountNames().contains("*") && !role.serviceAccountNames().contains(saName)) {
      return errors(403, List.of("service account name not authorized"));
    }
    if (!role.namespaces().contains("*") && !role.namespaces().contains(saNamespace)) {
      return errors(403, List.of("namespace not authorized"));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("role", roleName);
    metadata.put("service_account_name", saName);
    metadata.put("service_account_namespace", saNamespace);
    metadata.put("service_account_secret_name", "");
    metadata.put(
        "service_account_uid",
        UUID.nameUUIDFromBytes(verified.subject().getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .toString());
    return loginSuccess("auth/" + m.path + "/login", role, metadata);
  }

  private EmulatedResponse jwtLogin(Mount m, JsonNode body) {
    String roleName = text(body, "role");
    String jwt = text(body, "jwt");
    if (jwt.isEmpty()) {
      return errors(400, List.of("missing jwt"));
    }
    if (roleName.isEmpty()) {
      if (m.roles.isEmpty()) {
        return errors(400, List.of("missing role"));
      }
      roleName = m.roles.keySet().iterator().next();
    }
    VaultRole role = m.roles.get(roleName);
    if (role == null) {
      return errors(400, List.of("role \"" + roleName + "\" could not be found"));
    }
    VerifiedToken verified;
    try {
      verified = verifier().verify(jwt, role.audience());
    } catch (TokenRejectedException e) {
      return errors(400, List.of("error validating token: " + e.getMessage()));
    }
    if (role.boundSubject().isPresent() && !role.boundSubject().get().equals(verified.subject())) {
      return errors(
          400, List.of("error validating claims: sub claim does not match expected value"));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("role", roleName);
    return loginSuccess("auth/" + m.path + "/login", role, metadata);
  }

  private EmulatedResponse appRoleLogin(Mount m, JsonNode body) {
    String roleId = text(body, "role_id");
    String secretId = text(body, "secret_id");
    if (roleId.isEmpty()) {
      return errors(400, List.of("missing role_id"));
    }
    AppRoleEntry entry = m.byRoleId.get(roleId);
    if (entry == null || !entry.secretIds.contains(secretId)) {
      return errors(400, List.of("invalid role or secret ID"));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("role_name", entry.role.name());
    return loginSuccess("auth/" + m.path + "/login", entry.role, metadata);
  }

  private OidcIssuer verifier() {
    OidcIssuer o = oidc;
    if (o == null) {
      throw new IllegalStateException("no OIDC issuer configured");
    }
    return o;
  }

  private EmulatedResponse loginSuccess(
      String authPath, VaultRole role, Map<String, String> metadata) {
    Instant now = clock.instant();
    Duration max = min(role.maxTtl(), systemMaxTtl);
    Duration ttl = min(role.ttl(), max);
    String value = "hvs." + randomString(24);
    Token t =
        new Token(
            value,
            randomString(24),
            authPath,
            role,
            Map.copyOf(metadata),
            now,
            now.plus(ttl),
            now.plus(max));
    tokens.add(t);
    tokensByValue.put(value, t);
    return EmulatedResponse.json(200, envelope(authBlock(t, ttl.toSeconds()), List.of()).toString())
        .withHeader("Cache-Control", "no-store");
  }

  private ObjectNode authBlock(Token t, long leaseDuration) {
    ObjectNode auth = NODES.objectNode();
    auth.put("client_token", t.value);
    auth.put("accessor", t.accessor);
    ArrayNode policies = auth.putArray("policies");
    t.policies().forEach(policies::add);
    ArrayNode tokenPolicies = auth.putArray("token_policies");
    t.policies().forEach(tokenPolicies::add);
    auth.putNull("identity_policies");
    ObjectNode meta = auth.putObject("metadata");
    t.metadata.forEach(meta::put);
    auth.put("lease_duration", leaseDuration);
    auth.put("renewable", t.role.renewable());
    auth.put(
        "entity_id",
        UUID.nameUUIDFromBytes(t.role.name().getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .toString());
    auth.put("token_type", "service");
    auth.put("orphan", true);
    auth.putNull("mfa_requirement");
    auth.put("num_uses", 0);
    return auth;
  }

  private ObjectNode envelope(@Nullable ObjectNode auth, List<String> warnings) {
    ObjectNode root = NODES.objectNode();
    root.put("request_id", UUID.randomUUID().toString());
    root.put("lease_id", "");
    root.put("renewable", false);
    root.put("lease_duration", 0);
    root.putNull("data");
    root.putNull("wrap_info");
    if (warnings.isEmpty()) {
      root.putNull("warnings");
    } else {
      ArrayNode w = root.putArray("warnings");
      warnings.forEach(w::add);
    }
    if (auth == null) {
      root.putNull("auth");
    } else {
      root.set("auth", auth);
    }
    return root;
  }

  // ------------------------------------------------------------------ token self-management

  private @Nullable Token caller(EmulatedRequest request) {
    String value = request.header("x-vault-token").orElse("");
    if (value.isEmpty()) {
      String authz = request.header("authorization").orElse("");
      if (authz.regionMatches(true, 0, "Bearer ", 0, 7)) {
        value = authz.substring(7).strip();
      }
    }
    Token t = tokensByValue.get(value);
    return t != null && t.alive(clock.instant()) ? t : null;
  }

  private EmulatedResponse renewSelf(EmulatedRequest request, JsonNode body) {
    Token t = caller(request);
    if (t == null) {
      return permissionDenied();
    }
    if (!t.role.renewable()) {
      return errors(400, List.of("lease is not renewable"));
    }
    Instant now = clock.instant();
    long requested = increment(body).orElse(t.role.ttl().toSeconds());
    long remaining = Duration.between(now, t.maxExpiresAt).toSeconds();
    if (remaining <= 0) {
      return errors(400, List.of("past the max TTL, cannot renew"));
    }
    List<String> warnings = new ArrayList<>();
    long ttl = requested;
    if (requested > remaining) {
      ttl = remaining;
      warnings.add(cappedWarning(requested, remaining));
    }
    t.expiresAt = now.plusSeconds(ttl);
    t.lastRenewal = now;
    t.renewals++;
    return EmulatedResponse.json(200, envelope(authBlock(t, ttl), warnings).toString());
  }

  private EmulatedResponse revokeSelf(EmulatedRequest request) {
    Token t = caller(request);
    if (t == null) {
      return permissionDenied();
    }
    t.revokedAt = clock.instant();
    return new EmulatedResponse(204, Map.of(), "");
  }

  private EmulatedResponse lookupSelf(EmulatedRequest request) {
    Token t = caller(request);
    if (t == null) {
      return permissionDenied();
    }
    Instant now = clock.instant();
    ObjectNode data = NODES.objectNode();
    data.put("accessor", t.accessor);
    data.put("creation_time", t.issuedAt.getEpochSecond());
    data.put("creation_ttl", min(t.role.ttl(), min(t.role.maxTtl(), systemMaxTtl)).toSeconds());
    data.put("display_name", t.authPath.split("/")[1] + "-" + t.role.name());
    data.put("entity_id", UUID.randomUUID().toString());
    data.put("expire_time", rfc3339(t.expiresAt));
    data.put("explicit_max_ttl", 0);
    data.put("id", t.value);
    data.putNull("identity_policies");
    data.put("issue_time", rfc3339(t.issuedAt));
    if (t.lastRenewal != null) {
      data.put("last_renewal_time", t.lastRenewal.getEpochSecond());
    }
    ObjectNode meta = data.putObject("meta");
    t.metadata.forEach(meta::put);
    data.put("num_uses", 0);
    data.put("orphan", true);
    data.put("path", t.authPath);
    data.put("period", 0);
    ArrayNode policies = data.putArray("policies");
    t.policies().forEach(policies::add);
    data.put("renewable", t.role.renewable());
    data.put("ttl", Math.max(0, Duration.between(now, t.expiresAt).toSeconds()));
    data.put("type", "service");
    ObjectNode root = envelope(null, List.of());
    root.set("data", data);
    return EmulatedResponse.json(200, root.toString());
  }

  private EmulatedResponse unwrap(EmulatedRequest request, JsonNode body) {
    String token = text(body, "token");
    if (token.isEmpty()) {
      token = request.header("x-vault-token").orElse("");
    } else if (caller(request) == null) {
      return permissionDenied();
    }
    Wrapped w = wrapped.get(token);
    if (w == null || w.used || !clock.instant().isBefore(w.expiresAt)) {
      return errors(400, List.of("wrapping token is not valid or does not exist"));
    }
    w.used = true;
    ObjectNode root = envelope(null, List.of());
    root.set("data", w.data);
    return EmulatedResponse.json(200, root.toString());
  }

  // ------------------------------------------------------------------ leases

  private EmulatedResponse readDynamic(EmulatedRequest request, DynamicSpec spec) {
    Token t = caller(request);
    if (t == null) {
      return permissionDenied();
    }
    if (!request.method().equalsIgnoreCase("GET")) {
      return errors(405, List.of("unsupported operation"));
    }
    Instant now = clock.instant();
    Duration ttl = min(spec.ttl(), spec.maxTtl());
    Lease l =
        new Lease(
            spec.path() + "/" + randomString(24),
            spec,
            t,
            now,
            now.plus(ttl),
            now.plus(spec.maxTtl()));
    leasesById.put(l.id, l);
    ObjectNode root = envelope(null, List.of());
    root.put("lease_id", l.id);
    root.put("renewable", spec.renewable());
    root.put("lease_duration", ttl.toSeconds());
    ObjectNode data = root.putObject("data");
    String last = spec.path().substring(spec.path().lastIndexOf('/') + 1);
    data.put("username", "v-" + last + "-" + randomString(12));
    data.put("password", "A1a-" + randomString(20));
    return EmulatedResponse.json(200, root.toString());
  }

  private EmulatedResponse renewLease(EmulatedRequest request, JsonNode body, String fromPath) {
    if (caller(request) == null) {
      return permissionDenied();
    }
    String id = text(body, "lease_id");
    if (id.isEmpty()) {
      id = fromPath;
    }
    Lease l = leasesById.get(id);
    Instant now = clock.instant();
    if (l == null) {
      return errors(400, List.of("lease not found or lease is not renewable"));
    }
    Ending ending = l.ending(now);
    if (ending == Ending.EXPIRED) {
      return errors(400, List.of("lease expired"));
    }
    if (ending != Ending.ALIVE) {
      return errors(400, List.of("lease not found or lease is not renewable"));
    }
    if (!l.spec.renewable()) {
      return errors(400, List.of("lease is not renewable"));
    }
    long requested = increment(body).orElse(l.spec.ttl().toSeconds());
    long remaining = Duration.between(now, l.maxExpiresAt).toSeconds();
    if (remaining <= 0) {
      return errors(400, List.of("past the max TTL, cannot renew"));
    }
    List<String> warnings = new ArrayList<>();
    long ttl = requested;
    if (requested > remaining) {
      ttl = remaining;
      warnings.add(cappedWarning(requested, remaining));
    }
    l.expiresAt = now.plusSeconds(ttl);
    l.lastRenewal = now;
    l.renewals++;
    ObjectNode root = envelope(null, warnings);
    root.put("lease_id", l.id);
    root.put("renewable", true);
    root.put("lease_duration", ttl);
    return EmulatedResponse.json(200, root.toString());
  }

  private EmulatedResponse revokeLease(EmulatedRequest request, JsonNode body, String fromPath) {
    if (caller(request) == null) {
      return permissionDenied();
    }
    String id = text(body, "lease_id");
    if (id.isEmpty()) {
      id = fromPath;
    }
    Lease l = leasesById.get(id);
    Instant now = clock.instant();
    if (l != null && l.ending(now) == Ending.ALIVE) {
      l.revokedAt = now;
    }
    // Vault answers 204 whether or not the lease still existed: revocation is idempotent.
    return new EmulatedResponse(204, Map.of(), "");
  }

  private EmulatedResponse lookupLease(EmulatedRequest request, JsonNode body) {
    if (caller(request) == null) {
      return permissionDenied();
    }
    Lease l = leasesById.get(text(body, "lease_id"));
    Instant now = clock.instant();
    if (l == null || l.ending(now) != Ending.ALIVE) {
      return errors(400, List.of("invalid lease"));
    }
    ObjectNode data = NODES.objectNode();
    data.put("id", l.id);
    data.put("issue_time", rfc3339(l.issuedAt));
    data.put("expire_time", rfc3339(l.expiresAt));
    if (l.lastRenewal == null) {
      data.putNull("last_renewal_time");
    } else {
      data.put("last_renewal_time", rfc3339(l.lastRenewal));
    }
    data.put("renewable", l.spec.renewable());
    data.put("ttl", Duration.between(now, l.expiresAt).toSeconds());
    ObjectNode root = envelope(null, List.of());
    root.set("data", data);
    return EmulatedResponse.json(200, root.toString());
  }

  // ------------------------------------------------------------------ KV v2

  private EmulatedResponse readKv(EmulatedRequest request, String mount, String path) {
    if (caller(request) == null) {
      return permissionDenied();
    }
    List<KvVersion> versions = kv.getOrDefault(mount, Map.of()).get(trimSlashes(path));
    if (versions == null || versions.isEmpty()) {
      return errors(404, List.of());
    }
    KvVersion v;
    Optional<String> asked = request.queryParam("version");
    if (asked.isPresent() && !asked.get().equals("0")) {
      int n;
      try {
        n = Integer.parseInt(asked.get());
      } catch (NumberFormatException e) {
        return errors(400, List.of("invalid version"));
      }
      if (n < 1 || n > versions.size()) {
        return errors(404, List.of());
      }
      v = versions.get(n - 1);
    } else {
      v = versions.get(versions.size() - 1);
    }
    ObjectNode root = envelope(null, List.of());
    ObjectNode outer = root.putObject("data");
    ObjectNode metadata = NODES.objectNode();
    metadata.put("created_time", rfc3339(v.createdAt()));
    metadata.putNull("custom_metadata");
    metadata.put("deletion_time", v.deletedAt() == null ? "" : rfc3339(v.deletedAt()));
    metadata.put("destroyed", false);
    metadata.put("version", v.version());
    if (v.deletedAt() != null) {
      outer.putNull("data");
      outer.set("metadata", metadata);
      return EmulatedResponse.json(404, root.toString());
    }
    ObjectNode data = outer.putObject("data");
    v.data().forEach(data::put);
    outer.set("metadata", metadata);
    root.put("mount_type", "kv");
    return EmulatedResponse.json(200, root.toString());
  }

  // ------------------------------------------------------------------ faults

  @Override
  public EmulatedResponse error(int status, EmulatedRequest request) {
    return switch (status) {
      case 503 -> errors(503, List.of("Vault is sealed"));
      case 500 -> errors(500, List.of("internal error"));
      case 403 -> permissionDenied();
      case 400 -> errors(400, List.of("invalid request"));
      case 412 -> errors(412, List.of("required index state not present"));
      case 429 -> errors(429, List.of(quotaMessage(request)));
      default -> errors(status, List.of());
    };
  }

  @Override
  public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return errors(429, List.of(quotaMessage(request)))
        .withHeader("Retry-After", Long.toString(seconds));
  }

  @Override
  public synchronized EmulatedResponse expiredCredential(EmulatedRequest request) {
    String path = request.path();
    ObjectNode root;
    if (path.endsWith("/login") || path.endsWith("/renew-self")) {
      ObjectNode auth = NODES.objectNode();
      auth.put("client_token", "hvs." + randomString(24));
      auth.put("accessor", randomString(24));
      auth.putArray("policies").add("default");
      auth.put("lease_duration", 0);
      auth.put("renewable", false);
      root = envelope(auth, List.of());
    } else {
      root = envelope(null, List.of());
      root.put("lease_id", trimSlashes(path.substring(Math.min(4, path.length()))) + "/expired");
      root.put("lease_duration", 0);
      root.put("renewable", false);
      root.putObject("data").put("username", "expired").put("password", "expired-pass");
    }
    return EmulatedResponse.json(200, root.toString());
  }

  @Override
  public EmulatedResponse malformed(EmulatedRequest request) {
    // No state change: a garbled answer must not leave a token the client never saw.
    return EmulatedResponse.json(200, "{\"request_id\":\"x\",\"auth\":{\"client_token\":");
  }

  // ------------------------------------------------------------------ helpers

  private static String quotaMessage(EmulatedRequest request) {
    String p = request.path().startsWith("/v1/") ? request.path().substring(4) : request.path();
    return "request path \"" + p + "\": rate limit quota exceeded";
  }

  private static EmulatedResponse permissionDenied() {
    return errors(403, List.of("permission denied"));
  }

  private static EmulatedResponse noHandler(String path) {
    return errors(404, List.of("no handler for route \"" + path + "\". route entry not found."));
  }

  private static EmulatedResponse errors(int status, List<String> messages) {
    ObjectNode root = NODES.objectNode();
    ArrayNode errors = root.putArray("errors");
    messages.forEach(errors::add);
    return EmulatedResponse.json(status, root.toString()).withHeader("Cache-Control", "no-store");
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    return n == null || n.isNull() ? "" : n.asText("");
  }

  /**
   * The {@code increment} of a renewal: integer seconds or a Go duration string; absent/0 = none.
   */
  private static Optional<Long> increment(JsonNode body) {
    JsonNode n = body.get("increment");
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    long seconds;
    if (n.isNumber()) {
      seconds = n.asLong();
    } else {
      seconds = parseGoDuration(n.asText());
    }
    return seconds > 0 ? Optional.of(seconds) : Optional.empty();
  }

  private static long parseGoDuration(String text) {
    String t = text.strip();
    if (t.matches("\\d+")) {
      return Long.parseLong(t);
    }
    Matcher m = GO_DURATION.matcher(t);
    long total = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return 0;
      }
      long n = Long.parseLong(m.group(1));
      total +=
          switch (m.group(2)) {
            case "h" -> n * 3600;
            case "m" -> n * 60;
            default -> n;
          };
      end = m.end();
    }
    return end == t.length() ? total : 0;
  }

  /** Vault's capping warning, durations printed Go-style with zero parts dropped. */
  static String cappedWarning(long requestedSeconds, long maxSeconds) {
    return "TTL of \""
        + humanDuration(requestedSeconds)
        + "\" exceeded the effective max_ttl of \""
        + humanDuration(maxSeconds)
        + "\"; TTL value is capped accordingly";
  }

  static String humanDuration(long seconds) {
    if (seconds <= 0) {
      return "0s";
    }
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    StringBuilder sb = new StringBuilder();
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (m > 0) {
      sb.append(m).append('m');
    }
    if (s > 0) {
      sb.append(s).append('s');
    }
    return sb.toString();
  }

  static String normalizeNamespace(String ns) {
    String n = trimSlashes(ns.strip());
    return n.isEmpty() ? "" : n + "/";
  }

  private static String trimSlashes(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == '/') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == '/') {
      to--;
    }
    return s.substring(from, to);
  }

  private static String suffix(String path, String prefix) {
    return path.length() > prefix.length() + 1 && path.startsWith(prefix + "/")
        ? path.substring(prefix.length() + 1)
        : "";
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String rfc3339(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC).format(RFC3339);
  }

  private String randomString(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
