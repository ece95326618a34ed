package dev.ephemera.testkit.emulator;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A WireMock server on loopback that answers every request through an {@link EmulatedProtocol},
 * applying the {@link FaultPlan} first and recording everything in the {@link Journal}.
 *
 * <pre>{@code
 * Emulator sts = Emulator.builder("sts", protocol).clock(time.upstreamClock()).start();
 * sts.faults().next(Fault.throttle(Duration.ofSeconds(2)));
 * ... sts.baseUrl() ...
 * assertThat(sts.journal().count("POST", "/")).isEqualTo(2);
 * }</pre>
 */
public final class Emulator implements AutoCloseable {
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
  private final String name;
  private final EmulatedProtocol protocol;
  private final Clock clock;
  private final FaultPlan faults;
  private final Journal journal = new Journal();
  private final WireMockServer server;
  private final boolean https;
  private final @Nullable Path tlsDir;

  private Emulator(Builder b) {
    this.name = b.name;
    this.protocol = b.protocol;
    this.clock = b.clock;
    this.faults = new FaultPlan(clock);
    this.https = b.https;
    // the emulator keeps its own journal: WireMock's, and its per-request log line (formatted even
    // when its notifier discards it), would only cost every answer time
    WireMockConfiguration config =
        options()
            .bindAddress("127.0.0.1")
            .extensions(new Transformer())
            .disableRequestJournal()
            .stubRequestLoggingDisabled(true);
    if (https) {
      try {
        tlsDir = Files.createTempDirectory("ephemera-tls");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Path ks = LoopbackTls.keyStoreFile(tlsDir);
      config =
          config
              .httpDisabled(true)
              .httpsPort(b.port)
              .keystorePath(ks.toString())
              .keystorePassword(LoopbackTls.PASSWORD)
              .keyManagerPassword(LoopbackTls.PASSWORD)
              .keystoreType("PKCS12");
    } else {
      tlsDir = null;
      config = config.port(b.port);
    }
    this.server = new WireMockServer(config);
    server.start();
  }

  /**
   * {@return a builder for an emulator named {@code name} speaking {@code protocol}}
   *
   * @param name the name
   * @param protocol the protocol
   */
  public static Builder builder(String name, EmulatedProtocol protocol) {
    return new Builder(name, protocol);
  }

  /** {@return the emulator's name} */
  public String name() {
    return name;
  }

  /**
   * {@return {@code http://127.0.0.1:PORT} or {@code https://127.0.0.1:PORT}, no trailing slash}
   */
  public String baseUrl() {
    return (https ? "https" : "http") + "://127.0.0.1:" + port();
  }

  /** {@return the base URL as a URI} */
  public URI baseUri() {
    return URI.create(baseUrl());
  }

  /** {@return the bound port} */
  public int port() {
    return https ? server.httpsPort() : server.port();
  }

  /** {@return {@code 127.0.0.1:PORT}} */
  public String hostAndPort() {
    return "127.0.0.1:" + port();
  }

  /** {@return faults to inject} */
  public FaultPlan faults() {
    return faults;
  }

  /** {@return what was received} */
  public Journal journal() {
    return journal;
  }

  /** {@return the emulator's clock} */
  public Clock clock() {
    return clock;
  }

  @Override
  public void close() {
    server.stop();
    if (tlsDir != null) {
      try (var files = Files.list(tlsDir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
        Files.deleteIfExists(tlsDir);
      } catch (IOException e) {
        // best effort: a test keystore, not a secret
      }
    }
  }

  @Override
  public String toString() {
    return "Emulator[" + name + " " + baseUrl() + "]";
  }

  private EmulatedRequest toRequest(Request r) {
    URI uri = URI.create(r.getUrl());
    Map<String, String> headers = new LinkedHashMap<>();
    for (HttpHeader h : r.getHeaders().all()) {
      headers.putIfAbsent(h.key().toLowerCase(Locale.ROOT), h.firstValue());
    }
    String rawQuery = uri.getRawQuery();
    return new EmulatedRequest(
        r.getMethod().getName(),
        uri.getPath() == null ? "/" : uri.getPath(),
        rawQuery == null ? Map.of() : EmulatedRequest.parseForm(rawQuery),
        headers,
        r.getBodyAsString() == null ? "" : r.getBodyAsString());
  }

  private ResponseDefinition respond(EmulatedRequest request) {
    Journal.InFlightTicket ticket = journal.arrived(request);
    long delayNanos = 0;
    try {
      ResponseDefinition answer = answer(request);
      delayNanos =
          answer.getFixedDelayMilliseconds() == null
              ? 0
              : answer.getFixedDelayMilliseconds() * 1_000_000L;
      return answer;
    } finally {
      Journal.answered(ticket, delayNanos);
    }
  }

  private ResponseDefinition answer(EmulatedRequest request) {
    Optional<Fault> planned = faults.take(request);
    Fault fault = planned.orElse(null);
    EmulatedResponse response;
    ResponseDefinitionBuilder out;
    if (fault == null) {
      response = safely(() -> protocol.handle(request), request);
      out = toDefinition(response);
    } else {
      switch (fault.kind()) {
        case CONNECTION_RESET -> {
          journal.add(new JournalEntry(clock.instant(), request, 0, fault));
          return ResponseDefinitionBuilder.responseDefinition()
              .withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)
              .build();
        }
        case LATENCY -> {
          response = safely(() -> protocol.handle(request), request);
          out = toDefinition(response).withFixedDelay((int) fault.duration().toMillis());
        }
        case STATUS -> {
          response = protocol.error(fault.status(), request);
          out = toDefinition(response);
        }
        case THROTTLE -> {
          EmulatedResponse throttled = protocol.throttled(fault.duration(), request);
          response = fault.rawRetryAfter().map(v -> withRetryAfter(throttled, v)).orElse(throttled);
          out = toDefinition(response);
        }
        case MALFORMED_BODY -> {
          response = protocol.malformed(request);
          out = toDefinition(response);
        }
        case TRUNCATED_BODY -> {
          EmulatedResponse normal = safely(() -> protocol.handle(request), request);
          response = normal.withBody(normal.body().substring(0, normal.body().length() / 2));
          out = toDefinition(response);
        }
        case HUGE_BODY -> {
          EmulatedResponse normal = safely(() -> protocol.handle(request), request);
          response = normal.withBody(normal.body() + " ".repeat(Fault.HUGE_BODY_PADDING));
          out = toDefinition(response);
        }
        case EXPIRED_CREDENTIAL -> {
          response = protocol.expiredCredential(request);
          out = toDefinition(response);
        }
        case HOLD -> {
          // Wait before the protocol sees the request, holding none of the emulator's locks.
          fault.gate().orElseThrow().hold();
          response = safely(() -> protocol.handle(request), request);
          out = toDefinition(response);
        }
        default -> throw new IllegalStateException("unknown fault " + fault);
      }
    }
    journal.add(new JournalEntry(clock.instant(), request, response.status(), fault));
    return out.build();
  }

  private EmulatedResponse safely(
      java.util.function.Supplier<EmulatedResponse> handler, EmulatedRequest request) {
    try {
      return handler.get();
    } catch (RuntimeException e) {
      // A bug in an emulator must show up as a clear 500, not a hung client.
      return EmulatedResponse.text(
          500, "emulator " + name + " failed on " + request.path() + ": " + e);
    }
  }

  private static EmulatedResponse withRetryAfter(EmulatedResponse r, String value) {
    Map<String, String> h = new LinkedHashMap<>();
    r.headers()
        .forEach(
            (k, v) -> {
              if (!k.equalsIgnoreCase("Retry-After")) {
                h.put(k, v);
              }
            });
    h.put("Retry-After", value);
    return new EmulatedResponse(r.status(), h, r.body());
  }

  private ResponseDefinitionBuilder toDefinition(EmulatedResponse r) {
    ResponseDefinitionBuilder b =
        ResponseDefinitionBuilder.responseDefinition().withStatus(r.status()).withBody(r.body());
    if (r.headers().keySet().stream().noneMatch("Date"::equalsIgnoreCase)) {
      // The upstream's own clock, as a real server sends it: clients estimate skew from it.
      b.withHeader("Date", HTTP_DATE.format(clock.instant().atZone(ZoneOffset.UTC)));
    }
    r.headers().forEach(b::withHeader);
    return b;
  }

  private final class Transformer implements ResponseDefinitionTransformerV2 {
    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
      return respond(toRequest(serveEvent.getRequest()));
    }

    @Override
    public String getName() {
      return "ephemera-" + name;
    }
  }

  /** Builds an {@link Emulator}. */
  public static final class Builder {
    private final String name;
    private final EmulatedProtocol protocol;
    private Clock clock = Clock.systemUTC();
    private boolean https;
    private int port;

    private Builder(String name, EmulatedProtocol protocol) {
      this.name = Objects.requireNonNull(name, "name");
      this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    /**
     * The clock for the journal and outage windows; use the test's virtual clock.
     *
     * @param clock the clock for the journal and outage windows; use the test's virtual clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Serve HTTPS with {@link LoopbackTls} instead of HTTP.
     *
     * @param https {@code true} to serve HTTPS
     * @return this builder
     */
    public Builder https(boolean https) {
      this.https = https;
      return this;
    }

    /**
     * A fixed port; default 0 (any free port).
     *
     * @param port a fixed port; default 0 (any free port)
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running emulator
     */
    public Emulator start() {
      return new Emulator(this);
    }
  }
}
