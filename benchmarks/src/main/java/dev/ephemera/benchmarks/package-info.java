/**
 * JMH benchmarks of Ephemera's hot path, side by side with the vendor SDKs' own providers. Run
 * {@code java -jar benchmarks/target/benchmarks.jar -prof gc}; see the README for the numbers.
 */
@NullMarked
package dev.ephemera.benchmarks;

import org.jspecify.annotations.NullMarked;
