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

  /**
   * Drops every packet to and from the host with a firewall rule (iptables in its namespace), its
   * link still up: a partition where nothing tells either side, not even a link going down.
   */
  public void dropAll() {
    Shell.must(iptables("-I", "INPUT", "!", "-i", "lo", "-j", "DROP"));
    Shell.must(iptables("-I", "OUTPUT", "!", "-o", "lo", "-j", "DROP"));
  }

  /** Removes the rules of {@link #dropAll()}. */
  public void allowAll() {
    Shell.must(iptables("-D", "INPUT", "!", "-i", "lo", "-j", "DROP"));
    Shell.must(iptables("-D", "OUTPUT", "!", "-o", "lo", "-j", "DROP"));
  }

  /** Why {@link #dropAll()} cannot run here, if it cannot: no iptables (Debian's iptables). */
  public static java.util.Optional<String> firewallUnavailable() {
    for (String dir : List.of("/usr/sbin", "/sbin")) {
      if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, "iptables"))) {
        return java.util.Optional.empty();
      }
    }
    return java.util.Optional.of("iptables is missing: install Debian's iptables");
  }

  private String[] iptables(String... rule) {
    List<String> command = new java.util.ArrayList<>(launcher());
    command.add("iptables");
    command.addAll(List.of(rule));
    return command.toArray(String[]::new);
  }

  /** The host's routing table, one route a line, as {@code ip route} prints it. */
  public List<String> routes() {
    return Shell.must("ip", "-n", namespace, "-4", "route", "show").lines().toList();
  }

  /** Gives the host one more address on the lab's network, such as a relay's. */
  public void addAddress(String other) {
    Shell.must("ip", "-n", namespace, "addr", "add", other + "/24", "dev", "eth0");
  }
}
