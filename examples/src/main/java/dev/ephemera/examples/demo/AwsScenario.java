package dev.ephemera.examples.demo;

import dev.ephemera.aws.AwsCredentialSources;
import dev.ephemera.aws.AwsSessionCredential;
import dev.ephemera.aws.EphemeraAwsCredentialsProvider;
import dev.ephemera.aws.SessionPolicy;
import dev.ephemera.core.CredentialSource;
import dev.ephemera.core.Environment;
import dev.ephemera.core.audit.AuditEventType;
import dev.ephemera.testkit.RecordingAuditListener;
import dev.ephemera.testkit.aws.PodIdentityAgentEmulator;
import dev.ephemera.testkit.aws.StsEmulator;
import dev.ephemera.testkit.emulator.FaultPlan;
import dev.ephemera.testkit.oidc.ServiceAccount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * AWS: an IRSA pod (AssumeRoleWithWebIdentity, plus a session-policy-scoped copy read-only on one
 * bucket prefix) and an EKS Pod Identity pod, configured from the variables EKS injects.
 */
final class AwsScenario implements Scenario {
  private static final String ROLE = "arn:aws:iam::111122223333:role/orders";
  private static final ServiceAccount ORDERS = ServiceAccount.of("shop", "orders");

  private @Nullable StsEmulator sts;
  private @Nullable PodIdentityAgentEmulator agent;
  private final List<Watched> watched = new ArrayList<>();
  private final List<Probe> probes = new ArrayList<>();
  private final List<CredentialSource<AwsSessionCredential>> sources = new ArrayList<>();

  @Override
  public String backend() {
    return "aws";
  }

  @Override
  public void start(DemoWorld world) {
    StsEmulator stsEmulator =
        StsEmulator.builder(world.oidc())
            .clock(world.time().clock())
            .role(ROLE, Duration.ofHours(1), List.of(ORDERS.subject()))
            .start();
    sts = stsEmulator;
    var irsaToken = world.project("aws-irsa-token", ORDERS, StsEmulator.DEFAULT_AUDIENCE);
    Environment irsaPod =
        Environment.of(
            Map.of(
                "AWS_ROLE_ARN",
                ROLE,
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                irsaToken.path().toString(),
                "AWS_REGION",
                "us-east-1",
                "AWS_STS_REGIONAL_ENDPOINTS",
                "regional",
                "AWS_ENDPOINT_URL_STS",
                stsEmulator.endpoint().toString()));
    var irsa =
        AwsCredentialSources.irsaFromEnvironment(irsaPod)
            .sessionDuration(world.lifetimes().awsSession())
            .timebase(world.time());
    world.audit().forEach(irsa::auditListener);
    CredentialSource<AwsSessionCredential> orders = irsa.name("aws-irsa").build();
    CredentialSource<AwsSessionCredential> reports =
        irsa.name("aws-irsa-reports(ro)").buildFor(SessionPolicy.s3ReadOnly("reports", "2026/"));
    add("aws-irsa", orders, stsEmulator::secretKeyIfValid);
    add("aws-irsa-reports(ro)", reports, stsEmulator::secretKeyIfValid);

    ServiceAccount billing = ServiceAccount.of("shop", "billing");
    PodIdentityAgentEmulator agentEmulator =
        PodIdentityAgentEmulator.builder(world.oidc())
            .clock(world.time().clock())
            .association(billing.subject(), "arn:aws:iam::111122223333:role/billing")
            .credentialLifetime(world.lifetimes().podIdentity())
            .start();
    agent = agentEmulator;
    var podToken =
        world.project("eks-pod-identity-token", billing, PodIdentityAgentEmulator.AUDIENCE);
    Environment podIdentityPod =
        Environment.of(
            Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", agentEmulator.fullUri().toString(),
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", podToken.path().toString(),
                "AWS_REGION", "us-east-1"));
    var pod =
        AwsCredentialSources.podIdentityFromEnvironment(podIdentityPod).timebase(world.time());
    world.audit().forEach(pod::auditListener);
    add("aws-pod-identity", pod.name("aws-pod-identity").build(), agentEmulator::secretKeyIfValid);
  }

  private void add(
      String label,
      CredentialSource<AwsSessionCredential> source,
      java.util.function.Function<String, Optional<String>> upstreamKnows) {
    sources.add(source);
    watched.add(new Watched(label, source));
    // What every AWS SDK client does before signing a request: resolve credentials.
    EphemeraAwsCredentialsProvider provider = EphemeraAwsCredentialsProvider.of(source);
    probes.add(
        new Probe(
            label,
            () -> {
              AwsCredentials c = provider.resolveCredentials();
              Optional<String> valid = upstreamKnows.apply(c.accessKeyId());
              if (valid.isEmpty() || !valid.get().equals(c.secretAccessKey())) {
                throw new IllegalStateException(
                    label
                        + " resolved "
                        + c.accessKeyId()
                        + ", which the upstream does not honour");
              }
            }));
  }

  @Override
  public List<Watched> watched() {
    return watched;
  }

  @Override
  public List<Probe> probes() {
    return probes;
  }

  @Override
  public List<FaultPlan> faultPlans() {
    List<FaultPlan> plans = new ArrayList<>();
    if (sts != null) {
      plans.add(sts.faults());
    }
    if (agent != null) {
      plans.add(agent.faults());
    }
    return plans;
  }

  @Override
  public String endpoints() {
    return "STS and the EKS Pod Identity agent";
  }

  @Override
  public List<String> check(RecordingAuditListener audit) {
    List<String> problems = new ArrayList<>();
    long rotations =
        audit
            .matching(e -> e.type() == AuditEventType.ISSUED && e.provider().startsWith("aws"))
            .size();
    if (rotations < 3) {
      problems.add("expected every AWS source to issue, saw " + rotations + " issuances");
    }
    return problems;
  }

  @Override
  public void close() {
    sources.forEach(CredentialSource::close);
    if (sts != null) {
      sts.close();
    }
    if (agent != null) {
      agent.close();
    }
  }
}
