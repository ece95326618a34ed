package dev.ephemera.core.refresh;

import dev.ephemera.core.internal.Json;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Every live credential source of this process, whatever backend built it: an inventory of its
 * non-human credentials ({@link #entries()}, {@link #toJson()}), their blast radius ({@link
 * #blastRadius(Duration)}), and a kill switch ({@link #revokeAll()}, {@link #revokeAll(String)}) an
 * operator can pull when a workload is thought compromised.
 *
 * <p>A source joins when it is built and leaves when it is closed; one dropped without being closed
 * leaves when it is collected (the inventory holds it weakly). Taking the inventory reads each
 * source's state under its lock, never its secret.
 */
public final class CredentialInventory {
  private static final CredentialInventory PROCESS = new CredentialInventory();

  private final Map<Long, WeakReference<RefreshingCredentialSource<?>>> sources =
      new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private CredentialInventory() {}

  /** {@return the inventory of this process} */
  public static CredentialInventory process() {
    return PROCESS;
  }

  /** A source's place in the inventory. */
  final class Registration {
    private final long id;

    private Registration(long id) {
      this.id = id;
    }

    void remove() {
      sources.remove(id);
    }
  }

  Registration register(RefreshingCredentialSource<?> source) {
    long id = ids.incrementAndGet();
    sources.put(id, new WeakReference<>(source));
    return new Registration(id);
  }

  /** {@return every live source, by name} */
  public List<InventoryEntry> entries() {
    List<InventoryEntry> out = new ArrayList<>();
    for (RefreshingCredentialSource<?> s : live()) {
      out.add(s.inventoryEntry());
    }
    out.sort(Comparator.comparing(InventoryEntry::name));
    return out;
  }

  /** {@return the inventory as one JSON document, schema {@code ephemera.inventory/v1}} */
  public String toJson() {
    List<InventoryEntry> entries = entries();
    StringBuilder sb = new StringBuilder(64 + 320 * entries.size());
    sb.append("{\"schema\":\"ephemera.inventory/v1\",\"at\":");
    Json.quote(sb, Instant.now().toString()).append(",\"sources\":[");
    for (int i = 0; i < entries.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(entries.get(i).toJson());
    }
    return sb.append("]}").toString();
  }

  /**
   * {@return the blast radius of what is live now}
   *
   * @param longLived a credential that lives longer than this counts as long-lived
   */
  public BlastRadius blastRadius(Duration longLived) {
    Objects.requireNonNull(longLived, "longLived");
    return BlastRadius.of(entries(), longLived);
  }

  /**
   * The kill switch: every live source stops serving its credential at once, revokes it at the
   * upstream (audited {@code REVOKED}) and starts a new issuance, so callers get fresh credentials
   * from the next {@code get()}.
   *
   * @return how many credentials were revoked
   */
  public int revokeAll() {
    return revokeWhere(s -> true);
  }

  /**
   * The kill switch for one workload identity: as {@link #revokeAll()}, for the sources whose
   * principal is {@code principal} (exactly, e.g. {@code system:serviceaccount:shop:orders}).
   *
   * @param principal the principal
   * @return how many credentials were revoked
   */
  public int revokeAll(String principal) {
    Objects.requireNonNull(principal, "principal");
    return revokeWhere(s -> principal.equals(s.inventoryEntry().principal()));
  }

  /**
   * The kill switch for one source: as {@link #revokeAll()}, for the live sources named {@code
   * name}.
   *
   * @param name the source's name
   * @return how many credentials were revoked
   */
  public int revokeSource(String name) {
    Objects.requireNonNull(name, "name");
    return revokeWhere(s -> name.equals(s.name()));
  }

  private int revokeWhere(Predicate<RefreshingCredentialSource<?>> which) {
    int revoked = 0;
    for (RefreshingCredentialSource<?> s : live()) {
      if (which.test(s) && s.revokeHeld()) {
        revoked++;
      }
    }
    return revoked;
  }

  private List<RefreshingCredentialSource<?>> live() {
    List<RefreshingCredentialSource<?>> out = new ArrayList<>(sources.size());
    sources
        .entrySet()
        .removeIf(
            e -> {
              RefreshingCredentialSource<?> s = e.getValue().get();
              if (s == null) {
                return true;
              }
              out.add(s);
              return false;
            });
    return out;
  }

  @Override
  public String toString() {
    return "CredentialInventory[" + sources.size() + " sources]";
  }
}
