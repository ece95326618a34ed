/**
 * The demo: every backend against the testkit's emulators on loopback, with a live status table,
 * the audit stream, a closing summary and, on request, a timeline picture. Run {@code ./demo
 * --help}.
 *
 * <p>The story, in order: the pods start at real speed ({@code DemoTime}) until every source holds
 * its first credential, so no first issuance races a sped-up clock; then time runs at {@code
 * --speed}. Credential lifetimes are a sixth of the run, at most the platforms' usual hour ({@code
 * Lifetimes}), so a run of any accepted length shows refreshes, renewals to a max TTL, re-login, a
 * lease rotation and revocation. The outage ({@code OutagePlan}) is placed across the next
 * scheduled refresh of every backend, puts an outage window on every endpoint's fault plan, ends
 * once each backend has failed a refresh and always before a held credential's end of service; a
 * backend whose upstream leaves too little to ride it out is left up and named on screen. Failures
 * are counted apart: the outage's, by backend, and any other (the story fails on those). At the end
 * time returns to real speed, so closing and revoking are not scaled minutes.
 */
@NullMarked
package dev.ephemera.examples.demo;

import org.jspecify.annotations.NullMarked;
