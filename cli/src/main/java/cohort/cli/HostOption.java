package cohort.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --host} option of the commands that start servers. */
final class HostOption {

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Interface to bind (default 127.0.0.1, env COHORT_HOST).")
  String host;

  /** Puts the host into a role's configuration overrides, when given. */
  void into(Map<String, Object> overrides) {
    CoordinatorCommand.put(overrides, "cohort.host", host);
  }
}
