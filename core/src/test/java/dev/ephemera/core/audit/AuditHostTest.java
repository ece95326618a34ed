package dev.ephemera.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AuditHostTest {

  @Test
  void local_hasThePidOfThisProcess() {
    assertThat(AuditHost.local().pid()).isEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void local_isDetectedOnce() {
    assertThat(AuditHost.local()).isSameAs(AuditHost.local());
  }

  @Test
  void local_fieldsAreNeverNullAndAreTrimmed() {
    AuditHost host = AuditHost.local();

    assertThat(host.hostname()).isNotNull().isEqualTo(host.hostname().strip());
    assertThat(host.pod()).isNotNull().isEqualTo(host.pod().strip());
    assertThat(host.namespace()).isNotNull().isEqualTo(host.namespace().strip());
  }

  @Test
  void local_hasAPodOnlyInsideANamespaceOrWhenNamed() {
    AuditHost host = AuditHost.local();

    if (host.namespace().isEmpty() && System.getenv("POD_NAME") == null) {
      assertThat(host.pod()).isEmpty();
    }
  }

  @Test
  void constructor_keepsTheGivenValues() {
    AuditHost host = new AuditHost("node-1", "api-7f9c", "payments", 42);

    assertThat(host.hostname()).isEqualTo("node-1");
    assertThat(host.pod()).isEqualTo("api-7f9c");
    assertThat(host.namespace()).isEqualTo("payments");
    assertThat(host.pid()).isEqualTo(42);
    assertThat(host).isEqualTo(new AuditHost("node-1", "api-7f9c", "payments", 42));
  }

  @Test
  void constructor_rejectsNullNamingTheField() {
    assertThatThrownBy(() -> new AuditHost(nullString(), "", "", 1)).hasMessage("hostname");
    assertThatThrownBy(() -> new AuditHost("", nullString(), "", 1)).hasMessage("pod");
    assertThatThrownBy(() -> new AuditHost("", "", nullString(), 1)).hasMessage("namespace");
  }

  @SuppressWarnings("NullAway")
  private static String nullString() {
    return null;
  }
}
