package dev.ephemera.examples.demo;

/** The demo's scenarios by backend name. */
final class Scenarios {
  private Scenarios() {}

  static Scenario create(String backend) {
    return switch (backend) {
      case "aws" -> new AwsScenario();
      case "vault" -> new VaultScenario();
      case "azure" -> new AzureScenario();
      case "gcp" -> new GcpScenario();
      default -> throw new IllegalArgumentException("no demo scenario for backend " + backend);
    };
  }
}
