/**
 * A tamper-evident audit trail: {@link dev.ephemera.core.audit.chain.ChainedAuditSink} writes audit
 * events as a hash chain with forward-secure MACs and signed checkpoints, and {@link
 * dev.ephemera.core.audit.chain.ChainVerifier} tells an intact trail from an edited, truncated,
 * reordered or spliced one. {@link dev.ephemera.core.audit.chain.ChainFormat} documents the format.
 */
@NullMarked
package dev.ephemera.core.audit.chain;

import org.jspecify.annotations.NullMarked;
