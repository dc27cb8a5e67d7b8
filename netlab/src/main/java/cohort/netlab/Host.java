package cohort.netlab;

import java.util.List;

/**
 * One host of a {@link Lab}: a network namespace with its own address on the lab's bridge, where
 * processes run as on a machine of their own.
 *
 * @param name the host's short name, such as {@code h2}: also its port's name on the bridge
 * @param namespace the network namespace
 * @param address its IPv4 address on the lab's network
 * @param lab the switch namespace the host's link is plugged into
 */
public record Host(String name, String namespace, String address, String lab) {

  /** The words that run a command on this host: {@code ip netns exec NAMESPACE}. */
  public List<String> launcher() {
    return List.of("ip", "netns", "exec", namespace);
  }

  /**
   * Cuts the host off the network: its port on the bridge goes down, so its packets go nowhere and
   * nothing reaches it, as when a cable is pulled. Connections stay open on both sides and stall.
   */
  public void cut() {
    Shell.must("ip", "-n", lab, "link", "set", name, "down");
  }

  /** Plugs the host back in after {@link #cut()}. */
  public void heal() {
    Shell.must("ip", "-n", lab, "link", "set", name, "up");
  }

  /** Gives the host one more address on the lab's network, such as a relay's. */
  public void addAddress(String other) {
    Shell.must("ip", "-n", namespace, "addr", "add", other + "/24", "dev", "eth0");
  }
}
