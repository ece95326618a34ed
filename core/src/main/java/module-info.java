/**
 * Ephemera core: the credential API, the refresh engine, the audit pipeline and scoping.
 *
 * <p>Exported: the API ({@code dev.ephemera.core}, {@code .audit}, {@code .audit.chain}, {@code
 * .audit.detect}, {@code .audit.timeline}, {@code .refresh}, {@code .scope}) and the SPI a backend
 * implements ({@code .spi}, {@code .spi.http}). {@code dev.ephemera.core.internal} is not exported:
 * nothing outside core can reach it on the module path.
 */
module dev.ephemera.core {
  requires org.slf4j;
  requires com.github.benmanes.caffeine;
  requires static org.jspecify;

  exports dev.ephemera.core;
  exports dev.ephemera.core.audit;
  exports dev.ephemera.core.audit.chain;
  exports dev.ephemera.core.audit.detect;
  exports dev.ephemera.core.audit.timeline;
  exports dev.ephemera.core.refresh;
  exports dev.ephemera.core.scope;
  exports dev.ephemera.core.spi;
  exports dev.ephemera.core.spi.http;
}
