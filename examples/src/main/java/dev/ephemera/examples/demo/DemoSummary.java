package dev.ephemera.examples.demo;

import java.util.List;

/**
 * What a demo run showed.
 *
 * @param issued ISSUED events (first issuances and rotations)
 * @param renewed RENEWED events
 * @param failuresSurvived REFRESH_FAILED events
 * @param expired EXPIRED events
 * @param revoked successful REVOKED events
 * @param secretReads SECRET_READ events
 * @param calls calls the workload made through the vendor adapters
 * @param callerErrors calls that got an error (expected: zero)
 * @param problems story checks that failed, one line each (expected: none)
 */
public record DemoSummary(
    long issued,
    long renewed,
    long failuresSurvived,
    long expired,
    long revoked,
    long secretReads,
    long calls,
    long callerErrors,
    List<String> problems) {

  /** True when every caller got a credential and every part of the story happened. */
  public boolean ok() {
    return callerErrors == 0 && problems.isEmpty() && calls > 0;
  }
}
