/**
 * AWS: Ephemera's {@code EphemeraAwsCredentialsProvider} against the SDK's own {@code
 * StsWebIdentityTokenFileCredentialsProvider}, both talking to the testkit STS emulator on
 * loopback.
 */
@NullMarked
package dev.ephemera.benchmarks.aws;

import org.jspecify.annotations.NullMarked;
