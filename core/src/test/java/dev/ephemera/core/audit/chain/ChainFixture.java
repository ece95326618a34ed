package dev.ephemera.core.audit.chain;

import dev.ephemera.core.audit.AuditEvent;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.core.audit.AuditHost;
import dev.ephemera.core.audit.AuditOutcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Writes chains to tamper with: a fixed clock, a fresh Ed25519 key, a known HMAC key. */
final class ChainFixture {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  static final AuditHost HOST = new AuditHost("host-1", "pod-1", "ns", 7);

  final KeyPair keys = generate();
  final byte[] hmacKey = filled((byte) 7);

  /** A clock that moves a second each time it is read. */
  static final class SteppingClock extends Clock {
    private Instant now;

    SteppingClock(Instant start) {
      this.now = start;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      Instant t = now;
      now = now.plusSeconds(1);
      return t;
    }
  }

  static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] filled(byte b) {
    byte[] k = new byte[32];
    Arrays.fill(k, b);
    return k;
  }

  static AuditEvent event(int i, Instant time) {
    return AuditEvent.builder(AuditEventType.ISSUED, AuditOutcome.SUCCESS)
        .id("event-" + i)
        .time(time)
        .source("source-" + i)
        .credentialId("hvs-accessor-" + i)
        .host(HOST)
        .build();
  }

  ChainedAuditSink.Builder sink(ByteArrayOutputStream out, String epoch, Instant start) {
    return ChainedAuditSink.builder(out)
        .origin("workload-a")
        .epoch(epoch)
        .clock(new SteppingClock(start))
        .checkpointEvery(5)
        .checkpointInterval(Duration.ofHours(1))
        .signer(CheckpointSigner.ed25519(keys.getPrivate(), keys.getPublic()))
        .hmacKey(hmacKey.clone());
  }

  /** {@return the lines of a closed chain of {@code events} events} */
  List<String> chain(String epoch, int events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ChainedAuditSink sink = sink(out, epoch, START).build()) {
      for (int i = 0; i < events; i++) {
        sink.onEvent(event(i, START.plusSeconds(i)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines(out);
  }

  static List<String> lines(ByteArrayOutputStream out) {
    return new ArrayList<>(List.of(out.toString(StandardCharsets.UTF_8).split("\n")));
  }

  ChainVerifier verifier() {
    return ChainVerifier.builder().publicKey(keys.getPublic()).hmacKey(hmacKey).build();
  }

  static Path write(Path dir, String name, List<String> lines) {
    try {
      return Files.write(dir.resolve(name), lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@return {@code line} with its hash recomputed: what an attacker without the keys can do} */
  static String rehash(String line) {
    int cut = line.lastIndexOf(",\"hash\":\"");
    String body = line.substring(0, cut) + "}";
    String rest = line.substring(cut + ",\"hash\":\"".length() + 64);
    return body.substring(0, body.length() - 1) + ",\"hash\":\"" + ChainFormat.hash(body) + rest;
  }

  static int indexOfKind(List<String> lines, String kind, int nth) {
    int seen = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"kind\":\"" + kind + "\"") && seen++ == nth) {
        return i;
      }
    }
    throw new IllegalArgumentException("no " + kind + " #" + nth);
  }
}
