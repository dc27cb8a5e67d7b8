package cohort.node;

import cohort.api.labels.NodeLabels;
import cohort.protocol.HostPort;
import cohort.protocol.cluster.MemberHost;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A node's settings, read once from the {@code cohort} block and validated.
 *
 * @param host the interface the node's cluster port binds to, and the host the coordinator and
 *     clients reach it at
 * @param clusterPort the node's cluster port; 0 picks a free one
 * @param join the cluster addresses of the coordinators, the active one and those standing by
 * @param workers worker slots; already resolved from 0 to the processor count
 * @param drainTimeout how long a stopping node may take to finish the batches it runs
 * @param allowExec which commands jobs may run on this node (the exec task)
 * @param plugins a folder of jars with more tasks, if any
 * @param labels the node's labels ({@code --label gpu --label zone=a}), which jobs may require
 */
public record NodeSettings(
    MemberHost host,
    int clusterPort,
    java.util.List<HostPort> join,
    int workers,
    Duration drainTimeout,
    ExecAllowance allowExec,
    Optional<Path> plugins,
    NodeLabels labels) {

  /** Most slots one node may have: far above any sensible number of threads per JVM. */
  public static final int MAX_WORKERS = 1024;

  /**
   * Reads and validates the settings.
   *
   * @throws IllegalArgumentException naming the bad key, its value and the accepted range
   */
  public static NodeSettings fromConfig(Config config) {
    try {
      MemberHost host = MemberHost.fromConfig(config);
      int port = port(config, "cohort.node.cluster-port");
      java.util.List<HostPort> join = joins(config.getString("cohort.node.join"));
      int workers = config.getInt("cohort.node.workers");
      if (workers < 0 || workers > MAX_WORKERS) {
        throw new IllegalArgumentException(
            "cohort.node.workers = "
                + workers
                + " is out of range: use 1 to "
                + MAX_WORKERS
                + ", or 0 for one per processor");
      }
      if (workers == 0) {
        workers = Runtime.getRuntime().availableProcessors();
      }
      Duration drain = config.getDuration("cohort.node.drain-timeout");
      if (drain.isNegative()) {
        throw new IllegalArgumentException(
            "cohort.node.drain-timeout = " + drain + " is negative: use 0s or more, such as 30s");
      }
      String plugins = config.getString("cohort.node.plugins").trim();
      Optional<Path> pluginDir =
          plugins.isEmpty() ? Optional.empty() : Optional.of(Path.of(plugins));
      if (pluginDir.isPresent() && !Files.isDirectory(pluginDir.get())) {
        throw new IllegalArgumentException(
            "cohort.node.plugins = " + plugins + ": no such folder; give a folder of task jars");
      }
      return new NodeSettings(
          host,
          port,
          join,
          workers,
          drain,
          ExecAllowance.parse(config.getString("cohort.node.allow-exec")),
          pluginDir,
          labels(config));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * The node's labels, {@code cohort.node.labels}: a list, or labels separated by commas as the
   * environment variable gives them ({@code COHORT_NODE_LABELS=gpu,zone=a}).
   *
   * @throws IllegalArgumentException naming a label that is not valid
   */
  public static NodeLabels labels(Config config) {
    String key = "cohort.node.labels";
    java.util.List<String> texts =
        config.getValue(key).valueType() == ConfigValueType.LIST
            ? config.getStringList(key)
            : NodeLabels.split(config.getString(key));
    return NodeLabels.parse(texts, key);
  }

  /** Addresses separated by commas: the coordinator, then any standing by for it. */
  private static java.util.List<HostPort> joins(String text) {
    java.util.List<HostPort> joins = new java.util.ArrayList<>();
    for (String one : text.split(",", -1)) {
      joins.add(HostPort.parse(one, "cohort.node.join"));
    }
    return java.util.List.copyOf(joins);
  }

  private static int port(Config config, String key) {
    return HostPort.requirePort(config.getInt(key), key);
  }
}
