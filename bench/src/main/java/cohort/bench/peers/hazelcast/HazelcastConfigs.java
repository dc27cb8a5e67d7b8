package cohort.bench.peers.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientNetworkConfig;
import com.hazelcast.client.config.RoutingMode;
import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import java.util.List;

/**
 * The Hazelcast configurations of the peer, built in code: members and clients that talk over
 * 127.0.0.1 only, find each other through a fixed address list, and never phone home.
 */
final class HazelcastConfigs {

  /** The name of the distributed executor the benchmark submits to. */
  static final String EXECUTOR = "bench";

  /** The only address the peer listens on and connects to. */
  static final String LOOPBACK = "127.0.0.1";

  /** A pool size that leaves Hazelcast's default for the executor in place. */
  static final int DEFAULT_POOL_SIZE = 0;

  private HazelcastConfigs() {}

  /**
   * A member's configuration.
   *
   * @param cluster the cluster name, which only members and clients of this peer share
   * @param port the port the member listens on, on 127.0.0.1, with no auto-increment
   * @param members every member's {@code 127.0.0.1:port}, this one's included
   * @param executorPoolSize the executor's threads per member; {@link #DEFAULT_POOL_SIZE} keeps
   *     Hazelcast's default
   * @param liteMember whether the member holds no data and runs no partitioned work
   * @param loggingType Hazelcast's logging type: {@code jdk}, {@code slf4j} or {@code none}
   */
  static Config member(
      String cluster,
      int port,
      List<String> members,
      int executorPoolSize,
      boolean liteMember,
      String loggingType) {
    Config config = new Config();
    config.setClusterName(cluster);
    config.setLiteMember(liteMember);
    config.setProperty("hazelcast.logging.type", loggingType);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // Listen on the chosen interface only, not on every address of the machine.
    config.setProperty("hazelcast.socket.bind.any", "false");

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port);
    network.setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(LOOPBACK));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);

    ExecutorConfig executor = new ExecutorConfig(EXECUTOR);
    if (executorPoolSize != DEFAULT_POOL_SIZE) {
      executor.setPoolSize(executorPoolSize);
    }
    config.addExecutorConfig(executor);
    Echo.register(config.getSerializationConfig());
    return config;
  }

  /**
   * A client's configuration: smart routing (a connection to every member, each request sent
   * straight to the member that runs it).
   *
   * @param cluster the cluster name the members were given
   * @param members every member's {@code 127.0.0.1:port}
   */
  static ClientConfig client(String cluster, List<String> members) {
    ClientConfig config = new ClientConfig();
    config.setClusterName(cluster);
    config.setProperty("hazelcast.logging.type", "slf4j");
    ClientNetworkConfig network = config.getNetworkConfig();
    network.setAddresses(members);
    network.getAutoDetectionConfig().setEnabled(false);
    network.getClusterRoutingConfig().setRoutingMode(RoutingMode.ALL_MEMBERS);
    config
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(30_000);
    Echo.register(config.getSerializationConfig());
    return config;
  }
}
