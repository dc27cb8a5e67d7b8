package cohort.cli;

import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import cohort.coordinator.CoordinatorApp;
import cohort.coordinator.CoordinatorSettings;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cohort local --nodes N}: a coordinator and N node JVMs of one slot each on this machine,
 * the {@code Pool(N)} of Cohort. Ctrl-C stops the nodes, then the coordinator.
 */
@Command(
    name = "local",
    sortOptions = false,
    description = {
      "Run a coordinator and N node JVMs (one worker slot each) on this machine: Pool(N) as a"
          + " cluster.",
      "Prints the coordinator's URL; a node JVM that dies is started again, like a process",
      "supervisor would; Ctrl-C stops every JVM cleanly, nodes first."
    })
final class LocalCommand implements Callable<Integer> {

  @Option(
      names = "--nodes",
      paramLabel = "N",
      description = "Node JVMs to start (default: the cores).")
  int nodes = Runtime.getRuntime().availableProcessors();

  @Mixin HostOption host;

  @Option(
      names = "--cluster-port",
      paramLabel = "P",
      description = "The coordinator's cluster port (default 25520, env COHORT_CLUSTER_PORT).")
  Integer clusterPort;

  @Option(
      names = "--http-port",
      paramLabel = "Q",
      description = "The HTTP API port, 0 for a free one (default 8470, env COHORT_HTTP_PORT).")
  Integer httpPort;

  @Option(
      names = "--allow-exec",
      description =
          "Let jobs run commands on the nodes (the exec task); see the README's security note.")
  boolean allowExec;

  @Option(
      names = "--plugins",
      paramLabel = "DIR",
      description = "A folder of jars with more tasks, for every node.")
  String plugins;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private java.util.List<String> nodeArgs() {
    java.util.List<String> args = new java.util.ArrayList<>();
    if (allowExec) {
      args.add("--allow-exec");
    }
    if (plugins != null) {
      args.add("--plugins");
      args.add(java.nio.file.Path.of(plugins).toAbsolutePath().toString());
    }
    return args;
  }

  @Override
  public Integer call() {
    if (nodes < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be 1 or more");
    }
    // What the flags leave open comes from the coordinator's configuration: environment, then
    // conf/coordinator.conf, as for 'cohort coordinator'.
    Map<String, Object> overrides = new HashMap<>();
    host.into(overrides);
    CoordinatorCommand.put(overrides, "cohort.coordinator.cluster-port", clusterPort);
    CoordinatorCommand.put(overrides, "cohort.coordinator.http-port", httpPort);
    CoordinatorSettings settings =
        CoordinatorSettings.fromConfig(CoordinatorApp.loadConfig(overrides));
    PrintWriter out = spec.commandLine().getOut();
    LocalCluster.Options options =
        new LocalCluster.Options(
            System.getProperty("java.class.path"),
            JvmProcess.userJvmFlags(),
            settings.host(),
            settings.clusterPort(),
            settings.httpPort(),
            Optional.empty(),
            line -> {
              out.println(line);
              out.flush();
            },
            true,
            true,
            nodeArgs());
    LocalCluster cluster = LocalCluster.start(options, nodes);
    // Ctrl-C or SIGTERM: stop the children, and end with 0 once every one stopped cleanly, as the
    // coordinator and node commands do; the JVM would otherwise report the signal (130 or 143).
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (cluster.stop()) {
                    Runtime.getRuntime().halt(CohortCommand.OK);
                  }
                },
                "stop-local-cluster"));
    out.println(
        "cohort local ready http="
            + cluster.url()
            + " cluster="
            + cluster.clusterAddress()
            + " nodes="
            + nodes);
    out.println(
        "  "
            + nodes
            + " node JVMs with one worker slot each; the coordinator serves "
            + cluster.url());
    out.println("  in another terminal: export COHORT_COORDINATOR=" + cluster.url());
    out.println("  Ctrl-C stops the cluster.");
    out.flush();
    int code = cluster.coordinator().onExit().join();
    return code == 0 ? CohortCommand.OK : CohortCommand.JOB_FAILED;
  }
}
