package cohort.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --advertise} option of the coordinator and node commands. */
final class AdvertiseOption {

  @Option(
      names = "--advertise",
      paramLabel = "HOST",
      description =
          "The host name or address other members and clients reach this JVM at, when it is not"
              + " --host: behind NAT or a relay, a Kubernetes DNS name, or with --host 0.0.0.0."
              + " Nodes join a coordinator by exactly this host. Default: --host (env"
              + " COHORT_ADVERTISE).")
  String advertise;

  /** Puts the advertised host into a role's configuration overrides, when given. */
  void into(Map<String, Object> overrides) {
    CoordinatorCommand.put(overrides, "cohort.advertise", advertise);
  }
}
