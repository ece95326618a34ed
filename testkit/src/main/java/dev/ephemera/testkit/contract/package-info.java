/**
 * The engine's promises, stated once as JUnit 5 tests. A backend's test class extends {@link
 * dev.ephemera.testkit.contract.CredentialSourceContract} and supplies a {@link
 * dev.ephemera.testkit.contract.ContractFixture}: its issuer wired to its emulator on the test's
 * virtual time.
 */
@NullMarked
package dev.ephemera.testkit.contract;

import org.jspecify.annotations.NullMarked;
