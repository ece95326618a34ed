package dev.ephemera.testkit.vault;

import static dev.ephemera.testkit.vault.VaultJson.errors;
import static dev.ephemera.testkit.vault.VaultPaths.suffix;
import static dev.ephemera.testkit.vault.VaultPaths.trimSlashes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.oidc.OidcIssuer;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Vault's HTTP API over the emulator's state (PROTOCOLS.md §4): routes each request to its endpoint
 * family ({@link VaultLogins}, {@link VaultTokens}, {@link VaultLeases}, {@link VaultKv}, {@link
 * VaultTransit}, {@link VaultWrapping}) and shapes the shared faults as Vault would. Thread-safe:
 * every entry point is synchronized, and the families are reached only through it.
 */
final class VaultProtocol implements EmulatedProtocol {
  private final String namespace;
  private final VaultTokens tokens;
  private final VaultLogins logins;
  private final VaultLeases leases;
  private final VaultKv kv;
  private final VaultTransit transit;
  private final VaultWrapping wrapping;
  private boolean sealed;

  VaultProtocol(Clock clock, @Nullable OidcIssuer oidc, String namespace, Duration systemMaxTtl) {
    this.namespace = namespace;
    this.tokens = new VaultTokens(clock, systemMaxTtl);
    this.logins = new VaultLogins(oidc, tokens);
    this.leases = new VaultLeases(clock, tokens);
    this.kv = new VaultKv(clock, tokens);
    this.transit = new VaultTransit(clock, tokens);
    this.wrapping = new VaultWrapping(clock, tokens);
  }

  // ================================================================== configuration API

  synchronized void addRole(AuthMethod method, String mountPath, VaultRole role) {
    logins.addRole(method, mountPath, role);
  }

  synchronized AppRoleCredentials addAppRole(String mountPath, VaultRole role) {
    return logins.addAppRole(mountPath, role);
  }

  synchronized String newSecretId(String roleName) {
    return logins.newSecretId(roleName);
  }

  synchronized String wrapSecretId(String roleName, Duration ttl) {
    return wrapping.wrap(logins.newSecretIdData(roleName), ttl);
  }

  synchronized void addDynamicSecret(String path, Duration ttl, Duration maxTtl, boolean renew) {
    leases.addDynamicSecret(path, ttl, maxTtl, renew);
  }

  synchronized int putKv(String mount, String path, Map<String, String> data) {
    return kv.put(mount, path, data);
  }

  synchronized void deleteKv(String mount, String path) {
    kv.delete(mount, path);
  }

  synchronized void addTransitMount(String mount, List<String> policies) {
    transit.mount(mount, policies);
  }

  synchronized void addTransitKey(String mount, String name) {
    transit.addKey(mount, name);
  }

  synchronized int rotateTransitKey(String mount, String name) {
    return transit.rotate(mount, name);
  }

  synchronized PublicKey transitPublicKey(String mount, String name, int version) {
    return transit.publicKey(mount, name, version);
  }

  synchronized void setSealed(boolean sealed) {
    this.sealed = sealed;
  }

  synchronized void revokeByAccessor(String accessor) {
    tokens.revokeByAccessor(accessor);
  }

  synchronized List<TokenState> tokens() {
    return tokens.states();
  }

  synchronized List<LeaseState> leases() {
    return leases.states();
  }

  synchronized Optional<String> accessorOf(String token) {
    return tokens.accessorOf(token);
  }

  // ================================================================== the wire

  @Override
  public synchronized EmulatedResponse handle(EmulatedRequest request) {
    if (!request.path().startsWith("/v1/")) {
      return errors(404, List.of());
    }
    String path = request.path().substring(4);
    String ns = VaultPaths.normalizeNamespace(request.header("x-vault-namespace").orElse(""));
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
      return login ? VaultJson.noHandler(path) : VaultJson.permissionDenied();
    }
    JsonNode body = VaultJson.body(request.body());
    if (body == null) {
      return errors(400, List.of("failed to parse JSON input: invalid character"));
    }
    if (login) {
      return logins.login(path, method, body);
    }
    switch (path) {
      case "auth/token/renew-self":
        return method.equals("POST") ? tokens.renewSelf(request, body) : errors(405, List.of());
      case "auth/token/revoke-self":
        return method.equals("POST") ? tokens.revokeSelf(request) : errors(405, List.of());
      case "auth/token/lookup-self":
        return tokens.lookupSelf(request);
      case "sys/wrapping/unwrap":
        return wrapping.unwrap(request, body);
      default:
        break;
    }
    if (path.startsWith("sys/leases/renew") || path.equals("sys/renew")) {
      return leases.renew(request, body, suffix(path, "sys/leases/renew"));
    }
    if (path.startsWith("sys/leases/revoke") || path.equals("sys/revoke")) {
      return leases.revoke(request, body, suffix(path, "sys/leases/revoke"));
    }
    if (path.equals("sys/leases/lookup")) {
      return leases.lookup(request, body);
    }
    VaultLeases.Spec dynamic = leases.secretAt(path);
    if (dynamic != null) {
      return leases.read(request, dynamic);
    }
    EmulatedResponse transitAnswer = transit.handle(path, method, body, request);
    if (transitAnswer != null) {
      return transitAnswer;
    }
    EmulatedResponse kvAnswer = kv.handle(path, method, request);
    return kvAnswer != null ? kvAnswer : VaultJson.noHandler(path);
  }

  // ================================================================== faults

  @Override
  public EmulatedResponse error(int status, EmulatedRequest request) {
    return switch (status) {
      case 503 -> errors(503, List.of("Vault is sealed"));
      case 500 -> errors(500, List.of("internal error"));
      case 403 -> VaultJson.permissionDenied();
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
      ObjectNode auth = VaultJson.NODES.objectNode();
      auth.put("client_token", VaultIds.token());
      auth.put("accessor", VaultIds.random(24));
      auth.putArray("policies").add("default");
      auth.put("lease_duration", 0);
      auth.put("renewable", false);
      root = VaultJson.envelope(auth, List.of());
    } else {
      root = VaultJson.envelope(null, List.of());
      root.put("lease_id", trimSlashes(path.substring(Math.min(4, path.length()))) + "/expired");
      root.put("lease_duration", 0);
      root.put("renewable", false);
      root.putObject("data").put("username", "expired").put("password", "expired-pass");
    }
    return VaultJson.ok(root);
  }

  @Override
  public EmulatedResponse malformed(EmulatedRequest request) {
    // No state change: a garbled answer must not leave a token the client never saw.
    return EmulatedResponse.json(200, "{\"request_id\":\"x\",\"auth\":{\"client_token\":");
  }

  private static String quotaMessage(EmulatedRequest request) {
    String p = request.path().startsWith("/v1/") ? request.path().substring(4) : request.path();
    return "request path \"" + p + "\": rate limit quota exceeded";
  }
}
