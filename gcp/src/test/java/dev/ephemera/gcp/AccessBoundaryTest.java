package dev.ephemera.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ephemera.core.CredentialConfigurationException;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Access boundaries: JSON, digest, equality and Google's limits. */
class AccessBoundaryTest {
  @Test
  void readOnlyBucket_rendersTheStsOptions() {
    assertThat(AccessBoundary.readOnlyBucket("reports").toOptionsJson())
        .isEqualTo(
            "{\"accessBoundary\":{\"accessBoundaryRules\":[{\"availableResource\":"
                + "\"//storage.googleapis.com/projects/_/buckets/reports\","
                + "\"availablePermissions\":[\"inRole:roles/storage.objectViewer\"]}]}}");
  }

  @Test
  void aCondition_isEscapedAndIncluded() {
    AccessBoundary b = AccessBoundary.readOnlyPrefix("uploads", "customer-a/");
    assertThat(b.toOptionsJson())
        .contains(
            "\"availabilityCondition\":{\"expression\":\"resource.name.startsWith('projects/_/buckets/uploads/objects/customer-a/')\"")
        .contains("\"title\":\"prefix customer-a/\"");
    AccessBoundary quoted =
        AccessBoundary.of(
            AccessBoundary.Rule.of("//r", "inRole:roles/x")
                .withCondition(AccessBoundary.Condition.of("a == \"b\"\n")));
    assertThat(quoted.toOptionsJson()).contains("a == \\\"b\\\"\\n");
    assertThat(quoted.rules().get(0).availabilityCondition()).isPresent();
  }

  @Test
  void equalBoundaries_areEqualKeys_withTheSameDigest() {
    AccessBoundary a = AccessBoundary.readOnlyBucket("reports");
    AccessBoundary b = AccessBoundary.readOnlyBucket("reports");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.digest()).isEqualTo(b.digest()).startsWith("sha256:").hasSize(23);
    assertThat(a).isNotEqualTo(AccessBoundary.readOnlyBucket("invoices"));
    assertThat(a.toString()).contains(a.digest());
  }

  @Test
  void googlesLimits_areCheckedWhenBuilt() {
    assertThatThrownBy(() -> AccessBoundary.of(List.of()))
        .isInstanceOf(CredentialConfigurationException.class)
        .hasMessageContaining("1 to 10 rules");
    AccessBoundary.Rule r = AccessBoundary.Rule.of("//r", "inRole:roles/x");
    assertThatThrownBy(() -> AccessBoundary.of(Collections.nCopies(11, r)))
        .hasMessageContaining("not 11");
    assertThatThrownBy(() -> AccessBoundary.Rule.of("//r", "storage.objects.get"))
        .isInstanceOfSatisfying(
            CredentialConfigurationException.class,
            e -> assertThat(e.setting()).isEqualTo("accessBoundary.availablePermissions"));
    assertThatThrownBy(() -> AccessBoundary.Rule.of(" ", "inRole:roles/x"))
        .isInstanceOf(CredentialConfigurationException.class);
    assertThatThrownBy(() -> AccessBoundary.Condition.of("x".repeat(2049)))
        .hasMessageContaining("2048");
    assertThatThrownBy(() -> AccessBoundary.readOnlyBucket("Not A Bucket"))
        .hasMessageContaining("bucket");
    assertThatThrownBy(() -> AccessBoundary.readOnlyPrefix("uploads", "x')||true||('"))
        .hasMessageContaining("quotes");
  }
}
