package cohort.cli;

import cohort.cli.local.LocalCluster;
import cohort.coordinator.CoordinatorApp;
import cohort.coordinator.CoordinatorSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cohort local}: a coordinator and node JVMs on this machine, a worker slot per core between
 * them by default, the {@code Pool()} of Cohort. One node JVM by default: a JVM's threads run in
 * parallel, so one JVM with a slot per core does the work of one JVM per core with one heap, one
 * compiler and one member of the cluster to keep in touch with. Ctrl-C stops the nodes, then the
 * coordinator.
 */
@Command(
    name = "local",
    sortOptions = false,
    description = {
      "Run a coordinator and node JVMs on this machine, a worker slot per core between",
      "them: Pool() as a cluster. One node JVM runs its slots as threads; --nodes N",
      "gives JVMs that crash apart. Prints the coordinator's URL. A node JVM that dies",
      "is started again, as a process supervisor would; Ctrl-C stops every JVM",
      "cleanly, nodes first."
    })
final class LocalCommand implements Callable<Integer> {

  @Option(names = "--nodes", paramLabel = "N", description = "Node JVMs to start (default 1).")
  int nodes = 1;

  @Option(
      names = "--workers",
      paramLabel = "W",
      description =
          "Worker slots of each node, 0 for one per core (default: the cores shared among the"
              + " nodes, at least 1 each).")
  Integer workers;

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
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where the coordinator keeps its jobs; a restart on the same folder goes on with them"
              + " (default ~/.cohort/local, env COHORT_LOCAL_DATA_DIR).")
  Path dataDir;

  @Option(
      names = "--allow-exec",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "PROGRAMS",
      description =
          "Let jobs run commands on the nodes (the exec task): any program, or with"
              + " =convert,ffmpeg only those; see the README's security section.")
  String allowExec;

  @Option(
      names = "--plugins",
      paramLabel = "DIR",
      description = "A folder of jars with more tasks, for every node.")
  String plugins;

  @Option(
      names = "--label",
      paramLabel = "LABEL",
      description =
          "A label for every node, gpu or zone=a, as cohort node --label; repeat for more.")
  java.util.List<String> labels = new java.util.ArrayList<>();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private java.util.List<String> nodeArgs() {
    java.util.List<String> args = new java.util.ArrayList<>();
    if (allowExec != null) {
      args.add("--allow-exec=" + allowExec);
    }
    if (plugins != null) {
      args.add("--plugins");
      args.add(java.nio.file.Path.of(plugins).toAbsolutePath().toString());
    }
    for (String label : labels) {
      args.add("--label");
      args.add(label);
    }
    return args;
  }

  /** The coordinator's data folder: the flag, the environment, or {@code ~/.cohort/local}. */
  private Path dataFolder() {
    if (dataDir != null) {
      return dataDir.toAbsolutePath();
    }
    String env = System.getenv("COHORT_LOCAL_DATA_DIR");
    return env != null && !env.isBlank()
        ? Path.of(env).toAbsolutePath()
        : Path.of(System.getProperty("user.home"), ".cohort", "local");
  }

  @Override
  public Integer call() {
    if (nodes < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be 1 or more");
    }
    if (workers != null && (workers < 0 || workers > cohort.node.NodeSettings.MAX_WORKERS)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--workers must be 0 (one per core) to "
              + cohort.node.NodeSettings.MAX_WORKERS
              + "; it was "
              + workers);
    }
    try {
      cohort.api.labels.NodeLabels.parse(labels, "--label");
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int slots = workers == null ? Math.max(1, cores / nodes) : workers == 0 ? cores : workers;
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
            List.of(), // JvmProcess adds COHORT_JAVA_OPTS to every child
            settings.host().bind(),
            settings.clusterPort(),
            settings.httpPort(),
            dataFolder(),
            Optional.empty(),
            line -> {
              out.println(line);
              out.flush();
            },
            true,
            true,
            nodeArgs());
    LocalCluster cluster = LocalCluster.start(options, nodes, slots);
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
            + nodes
            + " slots="
            + nodes * slots);
    out.println(
        "  "
            + (nodes == 1 ? "1 node JVM" : nodes + " node JVMs")
            + " with "
            + (slots == 1 ? "1 worker slot" : slots + " worker slots")
            + (nodes == 1 ? "" : " each")
            + "; the coordinator serves "
            + cluster.url());
    out.println("  jobs are kept in " + options.dataDir() + "; a restart on it goes on with them");
    out.println(
        "  requests need the API token: "
            + cluster.tokenWhere()
            + " (the cohort command finds it there)");
    out.println("  in another terminal: export COHORT_COORDINATOR=" + cluster.url());
    out.println("  Ctrl-C stops the cluster.");
    out.flush();
    int code = cluster.coordinator().onExit().join();
    return code == 0 ? CohortCommand.OK : CohortCommand.JOB_FAILED;
  }
}
