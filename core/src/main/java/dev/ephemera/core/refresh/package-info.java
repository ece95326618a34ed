/**
 * The refresh engine: one implementation of every timing rule, used by every backend.
 *
 * <p>{@link dev.ephemera.core.refresh.RefreshingCredentialSource} holds an immutable snapshot
 * behind one volatile field; {@code get()} on a valid credential reads it and returns, with no
 * lock, no allocation and no clock read. Everything that takes time happens on a {@link
 * dev.ephemera.core.refresh.Scheduler}: refreshes at a fraction of the lifetime, retries with
 * backoff, and the move to expired at {@code expiresAt - expiryMargin}. Lifetimes are measured on a
 * monotonic {@link dev.ephemera.core.refresh.Ticker} from the moment a response is received; the
 * wall {@link java.time.Clock} is used only to read the credential's stated expiry and for display.
 * All three come from one {@link dev.ephemera.core.refresh.Timebase}, so tests and demos run on
 * virtual or scaled time.
 */
@NullMarked
package dev.ephemera.core.refresh;

import org.jspecify.annotations.NullMarked;
