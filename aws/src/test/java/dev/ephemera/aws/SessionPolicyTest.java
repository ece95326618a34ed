package dev.ephemera.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionPolicyTest {

  @Test
  void s3ReadOnly_allowsGetOnThePrefix_andListLimitedToIt() throws Exception {
    SessionPolicy p = SessionPolicy.s3ReadOnly("acme-reports", "2026/q1/");
    Map<String, Object> json = JSONObjectUtils.parse(p.inlinePolicy().orElseThrow());
    assertThat(json).containsEntry("Version", "2012-10-17");
    List<?> statements = (List<?>) java.util.Objects.requireNonNull(json.get("Statement"));
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0).toString())
        .contains("s3:GetObject")
        .contains("arn:aws:s3:::acme-reports/2026/q1/*")
        .doesNotContain("PutObject");
    assertThat(statements.get(1).toString())
        .contains("s3:ListBucket")
        .contains("arn:aws:s3:::acme-reports")
        .contains("2026/q1/*");
    assertThat(SessionPolicy.s3ReadOnly("acme-reports", "").inlinePolicy().orElseThrow())
        .doesNotContain("Condition");
    assertThat(SessionPolicy.s3ReadOnly("aws-cn", "b-1", "").inlinePolicy().orElseThrow())
        .contains("arn:aws-cn:s3:::b-1");
  }

  @Test
  void s3ReadOnly_refusesNamesThatWouldChangeThePolicysMeaning() {
    assertThatThrownBy(() -> SessionPolicy.s3ReadOnly("Bad_Bucket", ""))
        .hasMessageContaining("bucket");
    assertThatThrownBy(() -> SessionPolicy.s3ReadOnly("ok-bucket", "a*"))
        .hasMessageContaining("prefix");
    assertThatThrownBy(() -> SessionPolicy.s3ReadOnly("ok-bucket", "a\"},{\"Effect"))
        .hasMessageContaining("prefix");
  }

  @Test
  void limits_areTheStsLimits() {
    assertThatThrownBy(() -> SessionPolicy.inline("")).hasMessageContaining("1..2048");
    assertThatThrownBy(() -> SessionPolicy.inline("x".repeat(2049))).hasMessageContaining("2049");
    assertThatThrownBy(() -> SessionPolicy.inline("{\"a\":\"\u20ac\"}"))
        .hasMessageContaining("U+00FF");
    assertThatThrownBy(() -> SessionPolicy.managed()).hasMessageContaining("1..10");
    String[] eleven = new String[11];
    java.util.Arrays.fill(eleven, "arn:aws:iam::aws:policy/ReadOnlyAccess");
    assertThatThrownBy(() -> SessionPolicy.managed(eleven)).hasMessageContaining("1..10");
    assertThatThrownBy(() -> SessionPolicy.managed("arn:aws:iam::111122223333:role/x"))
        .hasMessageContaining("not an IAM policy ARN");
  }

  @Test
  void equalPolicies_haveEqualDigests_andToStringOmitsThePolicyText() {
    SessionPolicy a =
        SessionPolicy.of(
            "{\"Version\":\"2012-10-17\"}", List.of("arn:aws:iam::aws:policy/ReadOnlyAccess"));
    SessionPolicy b =
        SessionPolicy.of(
            "{\"Version\":\"2012-10-17\"}", List.of("arn:aws:iam::aws:policy/ReadOnlyAccess"));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.digest()).isEqualTo(b.digest()).matches("sha256:[0-9a-f]{16}");
    assertThat(SessionPolicy.inline("{}").digest()).isNotEqualTo(a.digest());
    assertThat(a.toString()).contains(a.digest()).doesNotContain("2012-10-17");
  }
}
