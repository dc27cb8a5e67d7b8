package cohort.node;

import cohort.node.direct.DirectCalls;
import cohort.node.direct.DirectServer;
import cohort.protocol.HostPort;
import cohort.protocol.cluster.MemberHost;
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
   * default) opens it only when the node binds to loopback and is advertised at a loopback address,
   * since it speaks plain TCP and its token would otherwise cross the network in the clear (a node
   * bound to loopback but advertised elsewhere is reached through a relay).
   *
   * @return where clients reach the port ({@code host:port}, on the advertised host), or null when
   *     the node takes no direct calls
   * @throws UncheckedIOException when the port cannot be bound
   */
  static String start(
      ActorSystem<?> system, TaskRegistry registry, NodeAccess access, int workers) {
    Config config = system.settings().config();
    String setting = config.getString("cohort.node.direct-calls").trim();
    MemberHost host = MemberHost.fromConfig(config);
    boolean local = onThisMachineOnly(host);
    if (setting.equalsIgnoreCase("auto")
        ? !local
        : !config.getBoolean("cohort.node.direct-calls")) {
      if (setting.equalsIgnoreCase("auto")) {
        LOG.info(
            "node takes no direct calls: its port would speak plain TCP beyond this machine (bound"
                + " to {}, reached at {}); --direct-calls opens it anyway",
            host.bind(),
            host.advertised());
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
              host.bind(), port, new DirectCalls(registry, node), access::nodeToken, workers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    system.getWhenTerminated().thenRun(server::close);
    String address = new HostPort(host.advertised(), server.port()).toString();
    if (!local) {
      LOG.warn(
          "the direct port {} speaks plain TCP beyond this machine: its token can be read on the"
              + " network",
          address);
    }
    LOG.info("node {} takes direct calls at {}", node, address);
    return address;
  }

  /** Whether only this machine reaches the node: bound to loopback, and advertised there. */
  static boolean onThisMachineOnly(MemberHost host) {
    return HostPort.loopbackOnly(host.bind()) && HostPort.loopbackOnly(host.advertised());
  }
}
