package cohort.cli.it;

import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts a real cluster for a test class: a coordinator JVM and two node JVMs on loopback, on free
 * ports, each logging to {@code target/it-logs/<test class>/}. Stops them after the class, and
 * prints their logs when a test fails.
 */
public final class ClusterExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {

  private final int nodes;
  private final boolean restartNodes;
  private final List<String> nodeArgs;
  private final List<String> jvmFlags;
  private final int workers;
  private LocalCluster cluster;
  private Path logs;

  /**
   * @param nodes node JVMs to start, one slot each
   * @param restartNodes start a new node when one dies, as {@code cohort local} does
   */
  public ClusterExtension(int nodes, boolean restartNodes) {
    this(nodes, restartNodes, List.of());
  }

  /**
   * @param nodeArgs more options for every node, such as {@code --allow-exec}
   */
  public ClusterExtension(int nodes, boolean restartNodes, List<String> nodeArgs) {
    this(nodes, restartNodes, nodeArgs, List.of());
  }

  /**
   * @param nodeArgs more options for every node, such as {@code --allow-exec}
   * @param jvmFlags more flags for every JVM of the cluster, such as a setting's {@code -D}
   */
  public ClusterExtension(
      int nodes, boolean restartNodes, List<String> nodeArgs, List<String> jvmFlags) {
    this(nodes, restartNodes, nodeArgs, jvmFlags, 1);
  }

  /**
   * @param workers slots of each node
   */
  public ClusterExtension(
      int nodes, boolean restartNodes, List<String> nodeArgs, List<String> jvmFlags, int workers) {
    this.workers = workers;
    this.nodes = nodes;
    this.restartNodes = restartNodes;
    this.nodeArgs = nodeArgs;
    this.jvmFlags = jvmFlags;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    logs = Children.logDir(context.getRequiredTestClass());
    try {
      cluster =
          LocalCluster.start(
              new LocalCluster.Options(
                  Children.classPath(),
                  java.util.stream.Stream.concat(
                          java.util.stream.Stream.of("-Xmx256m"), jvmFlags.stream())
                      .toList(),
                  "127.0.0.1",
                  0,
                  0,
                  Children.dataDir(logs),
                  Optional.of(logs),
                  line -> {},
                  false,
                  restartNodes,
                  nodeArgs),
              nodes,
              workers);
    } catch (RuntimeException e) {
      Children.printLogs(logs);
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Children.printLogs(logs);
  }

  public LocalCluster cluster() {
    return cluster;
  }

  /** The folder of the cluster's logs, one file per child JVM. */
  public Path logs() {
    return logs;
  }

  public CohortClient client() {
    return cluster.client();
  }
}
