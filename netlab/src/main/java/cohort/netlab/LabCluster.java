package cohort.netlab;

import cohort.api.security.Token;
import cohort.cli.local.JvmProcess;
import cohort.client.CohortClient;
import cohort.client.Credentials;
import cohort.protocol.security.ClusterCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Cohort cluster across the hosts of a {@link Lab}: the coordinator on one host, nodes on others,
 * each bound to its host's own address, with the security a cluster beyond one machine must have:
 * mutual TLS between members (certificates from a CA of the cluster's own), HTTPS for the API and
 * an API token. Members listen on fixed ports (each host has ports of its own), so a relay can
 * stand in front of any of them.
 */
public final class LabCluster implements AutoCloseable {

  /** The coordinator's cluster port, on its host. */
  public static final int CLUSTER_PORT = 25520;

  /** The coordinator's HTTPS port, on its host. */
  public static final int HTTP_PORT = 8470;

  /** Every node's cluster port, on its own host. */
  public static final int NODE_PORT = 25521;

  // Generous: five JVMs starting at once on a 2-core machine that is busy with other work.
  private static final Duration START = Duration.ofSeconds(180);

  /**
   * How to run the cluster.
   *
   * @param classPath the members' class path (the shaded jar, plus any test tasks)
   * @param dir a folder for the cluster's CA, data, logs and code cache
   * @param slots worker slots per node
   * @param nodeArgs more options for every node, such as {@code --allow-exec=echo}
   * @param advertise the address a host's member is reached at, by host name, where a relay stands
   *     in front of it; hosts not named are reached at their own address
   */
  public record Options(
      String classPath, Path dir, int slots, List<String> nodeArgs, Map<String, String> advertise) {
    public Options {
      nodeArgs = List.copyOf(nodeArgs);
      advertise = Map.copyOf(advertise);
    }

    public Options(String classPath, Path dir, int slots) {
      this(classPath, dir, slots, List.of(), Map.of());
    }
  }

  private final Options options;
  private final Host coordinatorHost;
  private final Token token = Token.generate();
  private final Path ca;
  private final Path logs;
  private final Map<Host, JvmProcess> nodes = new LinkedHashMap<>();
  private JvmProcess coordinator;
  private int started;

  private LabCluster(Options options, Host coordinatorHost) {
    this.options = options;
    this.coordinatorHost = coordinatorHost;
    this.ca = options.dir().resolve("ca");
    this.logs = options.dir().resolve("logs");
  }

  /**
   * Starts the coordinator on {@code coordinatorHost}, then one node on each of {@code nodeHosts},
   * and waits until every one is ready.
   */
  public static LabCluster start(Options options, Host coordinatorHost, List<Host> nodeHosts) {
    LabCluster cluster = new LabCluster(options, coordinatorHost);
    try {
      Files.createDirectories(cluster.logs);
      ClusterCa authority = ClusterCa.openOrCreate(cluster.ca);
      authority.issue(
          List.of(coordinatorHost.address()),
          ClusterCa.MEMBER_VALIDITY,
          options.dir().resolve("https"));
      cluster.startCoordinator();
      List<JvmProcess> starting = new ArrayList<>();
      for (Host host : nodeHosts) {
        starting.add(cluster.startNode(host, Map.of()));
      }
      starting.forEach(node -> node.awaitReady(START));
    } catch (IOException e) {
      cluster.close();
      throw new UncheckedIOException("cannot prepare the lab cluster: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /**
   * Starts a coordinator on its host, on the data folder of any before it, and waits until it
   * serves: after a crash it goes on with the jobs it had.
   */
  public synchronized void startCoordinator() {
    if (coordinator != null && coordinator.isAlive()) {
      throw new IllegalStateException("the coordinator still runs; stop it first");
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "coordinator",
                "--host",
                coordinatorHost.address(),
                "--cluster-port",
                Integer.toString(CLUSTER_PORT),
                "--http-port",
                Integer.toString(HTTP_PORT),
                "--data-dir",
                options.dir().resolve("data").toString(),
                "--cluster-ca-dir",
                ca.toString(),
                "--tls-cert",
                options.dir().resolve("https/tls.crt").toString(),
                "--tls-key",
                options.dir().resolve("https/tls.key").toString()));
    advertised(coordinatorHost).ifPresent(a -> args.addAll(List.of("--advertise", a)));
    coordinator = launch(coordinatorHost, "coordinator-" + (++started), args, Map.of());
    coordinator.awaitReady(START);
  }

  /**
   * Starts a node on {@code host} with these environment variables besides the cluster's, without
   * waiting for it.
   */
  public synchronized JvmProcess startNode(Host host, Map<String, String> env) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "node",
                "--join",
                advertised(coordinatorHost).orElse(coordinatorHost.address()) + ":" + CLUSTER_PORT,
                "--host",
                host.address(),
                "--cluster-port",
                Integer.toString(NODE_PORT),
                "--workers",
                Integer.toString(options.slots()),
                "--cluster-ca-dir",
                ca.toString()));
    advertised(host).ifPresent(a -> args.addAll(List.of("--advertise", a)));
    args.addAll(options.nodeArgs());
    JvmProcess node = launch(host, "node-" + host.name() + "-" + (++started), args, env);
    nodes.put(host, node);
    return node;
  }

  private Optional<String> advertised(Host host) {
    return Optional.ofNullable(options.advertise().get(host.name()));
  }

  private JvmProcess launch(Host host, String name, List<String> args, Map<String, String> env) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--parent-pid", Long.toString(ProcessHandle.current().pid())));
    Map<String, String> environment = new HashMap<>(env);
    environment.put("COHORT_TOKEN", token.value());
    environment.put("COHORT_CODE_CACHE", options.dir().resolve("code-cache").toString());
    environment.put("COHORT_TLS_CA", ca.resolve(ClusterCa.CA_CERT).toString());
    return JvmProcess.start(
        name,
        host.launcher(),
        environment,
        options.classPath(),
        List.of("-Xmx256m"),
        all,
        Optional.of(logs.resolve(name + ".log")),
        line -> {});
  }

  /** The coordinator's API, as a client on the lab's network reaches it. */
  public URI url() {
    return URI.create("https://" + coordinatorHost.address() + ":" + HTTP_PORT);
  }

  /** A client of the coordinator, with the cluster's token, trusting its CA. */
  public CohortClient client() {
    return CohortClient.connect(url(), credentials());
  }

  /** The cluster's token and CA, for clients. */
  public Credentials credentials() {
    return Credentials.of(token).withTrustedCa(ca.resolve(ClusterCa.CA_CERT));
  }

  /**
   * The environment a {@code cohort} command needs to reach this cluster: its coordinator, token
   * and CA.
   */
  public Map<String, String> clientEnvironment() {
    return Map.of(
        "COHORT_COORDINATOR", url().toString(),
        "COHORT_TOKEN", token.value(),
        "COHORT_TLS_CA", ca.resolve(ClusterCa.CA_CERT).toString());
  }

  public synchronized JvmProcess coordinator() {
    return coordinator;
  }

  /** The node last started on {@code host}. */
  public synchronized JvmProcess node(Host host) {
    return nodes.get(host);
  }

  /** The folder of the members' logs, one file per JVM. */
  public Path logs() {
    return logs;
  }

  /** Stops the nodes (they drain and leave), then the coordinator. */
  @Override
  public synchronized void close() {
    List<Thread> stopping = new ArrayList<>();
    for (JvmProcess node : nodes.values()) {
      Thread thread = new Thread(() -> node.stop(Duration.ofSeconds(20)), "stop-" + node.name());
      thread.start();
      stopping.add(thread);
    }
    for (Thread thread : stopping) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (coordinator != null) {
      coordinator.stop(Duration.ofSeconds(20));
    }
  }
}
