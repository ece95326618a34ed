package dev.ephemera.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IssuerInfoTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/app";
  private static final String SUB = "system:serviceaccount:ns:app";

  @Test
  void of_hasAnEmptyScope() {
    IssuerInfo info = IssuerInfo.of("aws-irsa", SUB, ROLE);

    assertThat(info.provider()).isEqualTo("aws-irsa");
    assertThat(info.principal()).isEqualTo(SUB);
    assertThat(info.target()).isEqualTo(ROLE);
    assertThat(info.scope()).isEmpty();
  }

  @Test
  void withScope_changesOnlyTheScope() {
    IssuerInfo info = IssuerInfo.of("aws-irsa", SUB, ROLE);

    IssuerInfo scoped = info.withScope("policy:sha256:abcd");

    assertThat(scoped).isEqualTo(new IssuerInfo("aws-irsa", SUB, ROLE, "policy:sha256:abcd"));
    assertThat(info.scope()).isEmpty();
  }

  @Test
  void withPrincipal_changesOnlyThePrincipal() {
    IssuerInfo info =
        new IssuerInfo("vault-kubernetes", "unknown", "auth/kubernetes/role/app", "s");

    IssuerInfo named = info.withPrincipal(SUB);

    assertThat(named)
        .isEqualTo(new IssuerInfo("vault-kubernetes", SUB, "auth/kubernetes/role/app", "s"));
    assertThat(info.principal()).isEqualTo("unknown");
  }

  @Test
  void equalsAndHashCode_areValueBased() {
    assertThat(IssuerInfo.of("p", "a", "t"))
        .isEqualTo(new IssuerInfo("p", "a", "t", ""))
        .hasSameHashCodeAs(new IssuerInfo("p", "a", "t", ""))
        .isNotEqualTo(IssuerInfo.of("p", "a", "t").withScope("x"));
  }

  @Test
  void constructor_rejectsNullNamingTheField() {
    assertThatThrownBy(() -> new IssuerInfo(nullString(), "a", "t", ""))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("provider");
    assertThatThrownBy(() -> new IssuerInfo("p", nullString(), "t", ""))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("principal");
    assertThatThrownBy(() -> new IssuerInfo("p", "a", nullString(), ""))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("target");
    assertThatThrownBy(() -> IssuerInfo.of("p", "a", "t").withScope(nullString()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scope");
  }

  @SuppressWarnings("NullAway")
  private static String nullString() {
    return null;
  }
}
