package cohort.client.cli;

import cohort.node.NodeApp;
import cohort.node.NodeSettings;
import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
      "Every option overrides conf/node.conf and its environment variable."
    })
final class NodeCommand implements Callable<Integer> {

  @Option(names = "--join", paramLabel = "HOST:PORT", description = "The coordinator's cluster address (default 127.0.0.1:25520, env COHORT_JOIN).")
  String join;

  @Option(names = "--workers", paramLabel = "N", description = "Worker slots; 1 gives one JVM per core (default: the cores, env COHORT_WORKERS).")
  Integer workers;

  @Option(names = "--host", paramLabel = "HOST", description = "Interface to bind (default 127.0.0.1, env COHORT_HOST).")
  String host;

  @Option(names = "--cluster-port", paramLabel = "P", description = "This node's cluster port, 0 for a free one (default 0, env COHORT_NODE_PORT).")
  Integer clusterPort;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Map<String, Object> overrides = new HashMap<>();
    CoordinatorCommand.put(overrides, "cohort.node.join", join);
    CoordinatorCommand.put(overrides, "cohort.node.workers", workers);
    CoordinatorCommand.put(overrides, "cohort.host", host);
    CoordinatorCommand.put(overrides, "cohort.node.cluster-port", clusterPort);
    Config config = NodeApp.loadConfig(overrides);
    NodeSettings settings = NodeSettings.fromConfig(config);
    NodeApp.Running running = NodeApp.start(config);
    String coordinator = Servers.await(running.registered(), null, running.system(), "node");
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "cohort node ready node="
            + NodeApp.address(running.system())
            + " coordinator="
            + coordinator
            + " slots="
            + settings.workers());
    out.flush();
    Servers.awaitTermination(running.system());
    return CohortCommand.OK;
  }
}
