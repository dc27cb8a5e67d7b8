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
   * Starts the direct port unless {@code cohort.node.direct-calls} is off; {@code auto} (the
   * default) opens it only on a loopback interface, since it speaks plain TCP and its token would
   * cross the network in the clear.
   *
   * @return the running server, or null when the node takes no direct calls
   * @throws UncheckedIOException when the port cannot be bound
   */
  static DirectServer start(
      ActorSystem<?> system, TaskRegistry registry, NodeAccess access, int workers) {
    Config config = system.settings().config();
    String setting = config.getString("cohort.node.direct-calls").trim();
    String host = config.getString("cohort.host");
    if (setting.equalsIgnoreCase("auto")
        ? !HostPort.loopbackOnly(host)
        : !config.getBoolean("cohort.node.direct-calls")) {
      if (setting.equalsIgnoreCase("auto")) {
        LOG.info(
            "node takes no direct calls: its port would speak plain TCP on {}, beyond this machine"
                + " (--direct-calls opens it anyway)",
            host);
      }
      return null;
    }
    int port =
        HostPort.requirePort(config.getInt("cohort.node.direct-port"), "cohort.node.direct-port");
    String node = SelfMember.address(system);
    DirectServer server;
    try {
      server =
          DirectServer.start(
              config.getString("cohort.host"),
              port,
              new DirectCalls(registry, node),
              access::nodeToken,
              workers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    system.getWhenTerminated().thenRun(server::close);
    if (!HostPort.loopbackOnly(host)) {
      LOG.warn(
          "the direct port {} speaks plain TCP beyond this machine: its token can be read on the"
              + " network",
          server.address());
    }
    LOG.info("node {} takes direct calls at {}", node, server.address());
    return server;
  }
}
