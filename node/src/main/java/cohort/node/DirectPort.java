package cohort.node;

import cohort.node.direct.DirectCalls;
import cohort.node.direct.DirectServer;
import cohort.protocol.HostPort;
import cohort.protocol.cluster.SelfMember;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a node's direct port as its settings say, and closes it when the node stops. */
final class DirectPort {

  private static final Logger LOG = LoggerFactory.getLogger(DirectPort.class);

  private DirectPort() {}

  /**
   * Starts the direct port unless {@code cohort.node.direct-calls} is off.
   *
   * @return the running server, or null when the node takes no direct calls
   * @throws UncheckedIOException when the port cannot be bound
   */
  static DirectServer start(ActorSystem<?> system, TaskRegistry registry, int workers) {
    Config config = system.settings().config();
    if (!config.getBoolean("cohort.node.direct-calls")) {
      return null;
    }
    int port =
        HostPort.requirePort(config.getInt("cohort.node.direct-port"), "cohort.node.direct-port");
    String node = SelfMember.address(system);
    DirectServer server;
    try {
      server =
          DirectServer.start(
              config.getString("cohort.host"), port, new DirectCalls(registry, node), workers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    system.getWhenTerminated().thenRun(server::close);
    LOG.info("node {} takes direct calls at {}", node, server.address());
    return server;
  }
}
