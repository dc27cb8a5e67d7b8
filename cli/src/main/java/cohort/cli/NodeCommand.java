package cohort.cli;

import cohort.node.NodeApp;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cohort node}: runs a node JVM that joins the coordinator and offers worker slots. Prints
 * {@code cohort node ready node=HOST:PORT coordinator=HOST:PORT slots=N} once registered.
 */
@Command(
    name = "node",
    sortOptions = false,
    description = {
      "Run a node: it joins the coordinator's cluster and runs tasks on N worker slots.",
      "SIGTERM or Ctrl-C drains it: no new work, running tasks finish within --drain-timeout,",
      "what cannot finish runs elsewhere; then it leaves and exits 0. If the coordinator goes",
      "away, the node keeps trying to join again and serves a restarted coordinator.",
      "Every option overrides conf/node.conf and its environment variable."
    })
final class NodeCommand implements Callable<Integer> {

  @Option(
      names = "--join",
      paramLabel = "HOST:PORT",
      description =
          "The coordinator's cluster address (default 127.0.0.1:25520, env COHORT_JOIN); with"
              + " coordinators that stand by for it, all of them, separated by commas.")
  String join;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description =
          "Worker slots; 1 gives one JVM per core (default: the cores, env COHORT_WORKERS).")
  Integer workers;

  @Mixin HostOption host;

  @Mixin AdvertiseOption advertise;

  @Option(
      names = "--cluster-port",
      paramLabel = "P",
      description = "This node's cluster port, 0 for a free one (default 0, env COHORT_NODE_PORT).")
  Integer clusterPort;

  @Option(
      names = "--drain-timeout",
      paramLabel = "D",
      description =
          "Time to finish running tasks when stopping, such as 30s (default 30s, env"
              + " COHORT_DRAIN_TIMEOUT).")
  String drainTimeout;

  @Option(
      names = "--allow-exec",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "PROGRAMS",
      description =
          "Let jobs run commands on this node (the exec task), as its user: any program, or with"
              + " =convert,ffmpeg only those; see the README's security section (env"
              + " COHORT_ALLOW_EXEC).")
  String allowExec;

  @Option(
      names = "--read-in-place",
      negatable = true,
      paramLabel = "BOOL",
      description =
          "Read a client's files where this node sees them, after checking they are the same"
              + " (default true, env COHORT_READ_IN_PLACE); --no-read-in-place fetches every"
              + " file's bytes through the coordinator.")
  Boolean readInPlace;

  @Option(
      names = "--direct-calls",
      negatable = true,
      paramLabel = "BOOL",
      description =
          "Take one-input task calls straight from clients on a port of this node (default: when"
              + " bound to loopback only, as the port speaks plain TCP; env COHORT_DIRECT_CALLS);"
              + " --no-direct-calls takes work through jobs only.")
  Boolean directCalls;

  @Option(
      names = "--direct-port",
      paramLabel = "P",
      description =
          "The port direct calls come to; 0 picks a free one (env COHORT_NODE_DIRECT_PORT).")
  Integer directPort;

  @Option(
      names = "--plugins",
      paramLabel = "DIR",
      description = "A folder of jars with more tasks (env COHORT_PLUGINS).")
  String plugins;

  @Option(
      names = "--shipped-code",
      negatable = true,
      paramLabel = "BOOL",
      description =
          "Run tasks whose code comes with the job from a client with the token (default true,"
              + " env COHORT_SHIPPED_CODE); --no-shipped-code runs installed tasks only.")
  Boolean shippedCode;

  @Option(
      names = "--label",
      paramLabel = "LABEL",
      description =
          "A label of this node, a name (gpu) or name=value (zone=a); repeat for more. Jobs"
              + " submitted with --require LABEL run only on nodes that have it (env"
              + " COHORT_NODE_LABELS=gpu,zone=a).")
  java.util.List<String> labels;

  @Mixin ClusterTlsOption clusterTls;

  @Mixin ParentPidOption parent;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    parent.watch("node");
    Map<String, Object> overrides = new HashMap<>();
    CoordinatorCommand.put(overrides, "cohort.node.join", join);
    CoordinatorCommand.put(overrides, "cohort.node.workers", workers);
    host.into(overrides);
    advertise.into(overrides);
    CoordinatorCommand.put(overrides, "cohort.node.cluster-port", clusterPort);
    CoordinatorCommand.put(overrides, "cohort.node.drain-timeout", drainTimeout);
    CoordinatorCommand.put(overrides, "cohort.node.allow-exec", allowExec);
    CoordinatorCommand.put(overrides, "cohort.node.plugins", plugins);
    CoordinatorCommand.put(overrides, "cohort.node.shipped-code", shippedCode);
    CoordinatorCommand.put(overrides, "cohort.node.read-in-place", readInPlace);
    CoordinatorCommand.put(overrides, "cohort.node.direct-calls", directCalls);
    CoordinatorCommand.put(overrides, "cohort.node.direct-port", directPort);
    if (labels != null) {
      try {
        cohort.api.labels.NodeLabels.parse(labels, "--label");
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    CoordinatorCommand.put(overrides, "cohort.node.labels", labels);
    clusterTls.into(overrides);
    NodeApp.Runner runner = new NodeApp.Runner(NodeApp.loadConfig(overrides));
    Runtime.getRuntime().addShutdownHook(new Thread(runner::stop, "stop-node-runner"));
    Servers.exitZeroAfterCleanStop(
        runner::system, runner.settings().drainTimeout().plus(Duration.ofSeconds(60)));
    PrintWriter out = spec.commandLine().getOut();
    runner.run(
        new NodeApp.Listener() {
          @Override
          public void registered(String node, String coordinator, boolean again) {
            // Printed again after a rejoin: a node that had to join again (the coordinator
            // removed it) comes back as a new cluster member, on a new port unless its
            // --cluster-port is fixed, and whoever watches it learns where it is now.
            out.println(
                "cohort node ready node="
                    + node
                    + " coordinator="
                    + coordinator
                    + " slots="
                    + runner.settings().workers());
            out.flush();
          }

          @Override
          public void rejoining(String reason) {
            org.slf4j.LoggerFactory.getLogger(NodeCommand.class)
                .warn(
                    "the node lost its cluster ({}); joining {} again",
                    reason,
                    runner.settings().join().stream()
                        .map(Object::toString)
                        .collect(java.util.stream.Collectors.joining(" or ")));
          }
        });
    return CohortCommand.OK;
  }
}
