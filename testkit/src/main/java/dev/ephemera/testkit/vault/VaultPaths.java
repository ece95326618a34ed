package dev.ephemera.testkit.vault;

/** Vault request paths and namespaces (PROTOCOLS.md §4.1), for the router and every family. */
final class VaultPaths {
  private VaultPaths() {}

  /** {@code team-a} or {@code /team-a/} as {@code team-a/}; blank as empty (the root). */
  static String normalizeNamespace(String ns) {
    String n = trimSlashes(ns.strip());
    return n.isEmpty() ? "" : n + "/";
  }

  static String trimSlashes(String s) {
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

  /** What follows {@code prefix/} in {@code path} (a lease id in the path), or empty. */
  static String suffix(String path, String prefix) {
    return path.length() > prefix.length() + 1 && path.startsWith(prefix + "/")
        ? path.substring(prefix.length() + 1)
        : "";
  }
}
