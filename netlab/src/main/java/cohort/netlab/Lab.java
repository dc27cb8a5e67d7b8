package cohort.netlab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hosts in network namespaces on this machine, joined by a bridge: a small network of its own whose
 * addresses come from 198.18.0.0/15, the range reserved for network tests, and that has no route
 * anywhere else. The bridge sits in a namespace of its own, and this machine reaches the hosts
 * through one more port on it (the lab's address ending in {@code .254}), so that tests can act as
 * a client on the same network.
 *
 * <p>{@link #close()} removes every namespace and link the lab made and kills every process still
 * in them; a shutdown hook does the same if the JVM ends first, and a new lab first removes what a
 * lab of a JVM that died left behind. Needs root: {@link #unavailable()} says why it cannot run.
 */
public final class Lab implements AutoCloseable {

  private static final String PREFIX = "cohort-";
  private static final Pattern OURS = Pattern.compile("^cohort-(\\d+)-\\d+-\\w+$");
  private static final Pattern OUR_LINK = Pattern.compile("^\\d+: (co(\\d+)x\\d+)[@:]");
  private static final AtomicInteger LABS = new AtomicInteger();

  private final String id;
  private final String rootLink;
  private final String network;
  private final String switchNamespace;
  private final List<Host> hosts = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();
  private final Thread cleanup = new Thread(this::remove, "netlab-cleanup");
  private boolean closed;

  private Lab(String id, String rootLink, String network) {
    this.id = id;
    this.rootLink = rootLink;
    this.network = network;
    this.switchNamespace = id + "-sw";
  }

  /**
   * Why a lab cannot be made here, if it cannot: not root, or no {@code ip} command, or network
   * namespaces refused by the kernel or a container. Empty when it can.
   */
  public static Optional<String> unavailable() {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return Optional.of("network namespaces need Linux; this is " + System.getProperty("os.name"));
    }
    if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
      return Optional.of("the ip command is missing; install Debian's iproute2");
    }
    Shell.Outcome uid = Shell.run(List.of("id", "-u"));
    if (!uid.out().strip().equals("0")) {
      return Optional.of(
          "ip netns needs root, and this runs as uid " + uid.out().strip() + "; run as root");
    }
    String probe = PREFIX + ProcessHandle.current().pid() + "-0-probe";
    Shell.Outcome add = Shell.run(List.of("ip", "netns", "add", probe));
    if (!add.ok()) {
      return Optional.of("ip netns add failed: " + add.err().strip());
    }
    Shell.run(List.of("ip", "netns", "del", probe));
    return Optional.empty();
  }

  /**
   * Makes a lab of {@code count} hosts, {@code h1} to {@code hN}, with the addresses {@code
   * NETWORK.1} to {@code NETWORK.N}.
   *
   * @throws IllegalStateException when a step fails, after removing what it had made
   */
  public static Lab create(int count) {
    if (count < 1 || count > 200) {
      throw new IllegalArgumentException("a lab has 1 to 200 hosts, not " + count);
    }
    sweep();
    long pid = ProcessHandle.current().pid();
    int seq = LABS.incrementAndGet();
    Lab lab = new Lab(PREFIX + pid + "-" + seq, "co" + pid + "x" + seq, freeNetwork());
    Runtime.getRuntime().addShutdownHook(lab.cleanup);
    try {
      lab.build(count);
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  private void build(int count) {
    addNamespace(switchNamespace);
    Shell.must("ip", "-n", switchNamespace, "link", "add", "br0", "type", "bridge");
    Shell.must("ip", "-n", switchNamespace, "link", "set", "br0", "up");
    Shell.must(
        "ip",
        "link",
        "add",
        rootLink,
        "type",
        "veth",
        "peer",
        "name",
        "root",
        "netns",
        switchNamespace);
    plug("root");
    Shell.must("ip", "addr", "add", clientAddress() + "/24", "dev", rootLink);
    Shell.must("ip", "link", "set", rootLink, "up");
    for (int i = 1; i <= count; i++) {
      String name = "h" + i;
      String namespace = id + "-" + name;
      addNamespace(namespace);
      Shell.must(
          "ip",
          "-n",
          switchNamespace,
          "link",
          "add",
          name,
          "type",
          "veth",
          "peer",
          "name",
          "eth0",
          "netns",
          namespace);
      plug(name);
      String address = network + "." + i;
      Shell.must("ip", "-n", namespace, "addr", "add", address + "/24", "dev", "eth0");
      Shell.must("ip", "-n", namespace, "link", "set", "eth0", "up");
      hosts.add(new Host(name, namespace, address, switchNamespace));
    }
  }

  private void addNamespace(String namespace) {
    Shell.must("ip", "netns", "add", namespace);
    namespaces.add(namespace);
    Shell.must("ip", "-n", namespace, "link", "set", "lo", "up");
  }

  private void plug(String port) {
    Shell.must("ip", "-n", switchNamespace, "link", "set", port, "master", "br0");
    Shell.must("ip", "-n", switchNamespace, "link", "set", port, "up");
  }

  /** The hosts, {@code h1} first. */
  public List<Host> hosts() {
    return List.copyOf(hosts);
  }

  /** Host {@code hN}, counted from 1. */
  public Host host(int number) {
    return hosts.get(number - 1);
  }

  /** This machine's own address on the lab's network, where tests act as clients from. */
  public String clientAddress() {
    return network + ".254";
  }

  /** An address on the lab's network that no host holds yet, such as one for a relay. */
  public String spareAddress(int number) {
    if (number < 100 || number > 250) {
      throw new IllegalArgumentException("spare addresses end in 100 to 250, not " + number);
    }
    return network + "." + number;
  }

  /** Removes every namespace and link of the lab and kills every process in it. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    remove();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // the JVM is shutting down, and the hook is running or ran
    }
  }

  private void remove() {
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      removeNamespace(namespaces.get(i));
    }
    Shell.run(List.of("ip", "link", "del", rootLink));
  }

  /** Kills the processes of a namespace, waits until they are gone, and deletes it. */
  private static void removeNamespace(String namespace) {
    List<Long> pids = new ArrayList<>();
    for (String line : Shell.run(List.of("ip", "netns", "pids", namespace)).out().split("\\s+")) {
      if (!line.isBlank()) {
        pids.add(Long.parseLong(line.strip()));
      }
    }
    pids.forEach(pid -> Shell.signal(pid, "KILL"));
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(Lab::awaitEnd);
    }
    Shell.run(List.of("ip", "netns", "del", namespace));
  }

  private static void awaitEnd(ProcessHandle process) {
    try {
      process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // deleted all the same: the namespace goes once its last process has
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Removes the namespaces and links of labs whose JVM died without removing them. */
  private static void sweep() {
    for (String line : Shell.run(List.of("ip", "netns", "list")).out().split("\n")) {
      String name = line.split("\\s+")[0];
      Matcher ours = OURS.matcher(name);
      if (ours.matches() && !alive(Long.parseLong(ours.group(1)))) {
        removeNamespace(name);
      }
    }
    for (String line : Shell.run(List.of("ip", "-o", "link", "show")).out().split("\n")) {
      Matcher ours = OUR_LINK.matcher(line);
      if (ours.find() && !alive(Long.parseLong(ours.group(2)))) {
        Shell.run(List.of("ip", "link", "del", ours.group(1)));
      }
    }
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** A /24 of 198.18.0.0/15 that no route of this machine uses yet. */
  private static String freeNetwork() {
    String routes = Shell.run(List.of("ip", "-4", "route", "show")).out();
    for (int third = 1; third < 255; third++) {
      String candidate = "198.18." + third;
      if (!routes.contains(candidate + ".")) {
        return candidate;
      }
    }
    throw new IllegalStateException("every /24 of 198.18.0.0/16 is in use on this machine");
  }
}
