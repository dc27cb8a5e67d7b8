package cohort.cli.local;

import cohort.api.security.Token;
import cohort.api.security.TokenFile;
import cohort.client.CohortClient;
import cohort.client.Credentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A coordinator and N node JVMs on this machine, with W worker slots each: {@code Pool(N * W)} as a
 * cluster. Used by {@code cohort local} and by the system tests. Every child is given this JVM's
 * pid ({@code --parent-pid}) and stops by itself once this JVM is gone, however it ends.
 */
public final class LocalCluster implements AutoCloseable {

  /** How long a child may take to start. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** How long a child may take to stop after SIGTERM before it is killed. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(40);

  /**
   * How to start the children.
   *
   * @param classPath the children's class path
   * @param jvmFlags extra flags for every child JVM
   * @param host the interface every port binds to
   * @param clusterPort the coordinator's cluster port; 0 picks a free one
   * @param httpPort the coordinator's HTTP port; 0 picks a free one
   * @param dataDir the coordinator's data folder, where it keeps its jobs across a restart
   * @param logDir where children's logs go; empty to share this JVM's stderr
   * @param output receives the children's other stdout lines
   * @param ownSessions start children in sessions of their own, so that a terminal's Ctrl-C reaches
   *     only this JVM, which stops them in order
   * @param restartNodes start a new node in place of one that dies, like a process supervisor
   * @param nodeArgs more options for every node, such as {@code --allow-exec}
   */
  public record Options(
      String classPath,
      List<String> jvmFlags,
      String host,
      int clusterPort,
      int httpPort,
      Path dataDir,
      Optional<Path> logDir,
      Consumer<String> output,
      boolean ownSessions,
      boolean restartNodes,
      List<String> nodeArgs) {}

  /**
   * Restarts allowed within {@link #RESTART_WINDOW} before the supervisor gives up on a crash loop.
   */
  static final int MAX_RESTARTS = 10;

  static final Duration RESTART_WINDOW = Duration.ofMinutes(1);

  private final Options options;
  private JvmProcess coordinator;
  private final String clusterAddress;
  private String url;
  private final List<JvmProcess> nodes = new ArrayList<>();
  private final java.util.ArrayDeque<Long> restarts = new java.util.ArrayDeque<>();
  private int started;
  private int coordinators = 1;
  private volatile boolean closing;

  private LocalCluster(Options options, JvmProcess coordinator, Map<String, String> ready) {
    this.options = options;
    this.coordinator = coordinator;
    this.clusterAddress = ready.get("cluster");
    this.url = ready.get("http");
  }

  /**
   * Starts the coordinator, then {@code nodeCount} nodes of one worker slot each, and waits until
   * all are ready.
   */
  public static LocalCluster start(Options options, int nodeCount) {
    return start(options, nodeCount, 1);
  }

  /**
   * Starts the coordinator, then {@code nodeCount} nodes of {@code workers} slots each (0 for one
   * per processor), and waits until all are ready.
   */
  public static LocalCluster start(Options options, int nodeCount, int workers) {
    options.logDir().ifPresent(LocalCluster::createFolder);
    JvmProcess coordinator =
        launchCoordinator(options, options.clusterPort(), options.httpPort(), "coordinator");
    LocalCluster cluster;
    try {
      cluster = new LocalCluster(options, coordinator, coordinator.awaitReady(START_TIMEOUT));
    } catch (RuntimeException e) {
      coordinator.stop(Duration.ofSeconds(5));
      throw e;
    }
    try {
      List<JvmProcess> starting = new ArrayList<>();
      for (int i = 0; i < nodeCount; i++) {
        starting.add(cluster.launchNode(workers));
      }
      for (JvmProcess node : starting) {
        node.awaitReady(START_TIMEOUT);
      }
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private static void createFolder(Path dir) {
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot create the log folder " + dir + ": " + e.getMessage(), e);
    }
  }

  private static JvmProcess launchCoordinator(
      Options options, int clusterPort, int httpPort, String name) {
    return JvmProcess.start(
        name,
        options.classPath(),
        options.jvmFlags(),
        List.of(
            "coordinator",
            "--host",
            options.host(),
            "--cluster-port",
            String.valueOf(clusterPort),
            "--http-port",
            String.valueOf(httpPort),
            "--data-dir",
            options.dataDir().toAbsolutePath().toString(),
            "--cluster-ca-dir",
            caDir(options).toString(),
            "--parent-pid",
            String.valueOf(ProcessHandle.current().pid())),
        options.logDir().map(dir -> dir.resolve(name + ".log")),
        options.output(),
        options.ownSessions());
  }

  /**
   * Starts a new coordinator on the cluster and HTTP ports of the old one, which must have exited,
   * and waits until it serves. It goes on with the old one's jobs, from their data folder; the
   * nodes find it and join again by themselves, and clients find it where it was.
   */
  public synchronized String restartCoordinator() {
    if (coordinator.isAlive()) {
      throw new IllegalStateException("the coordinator still runs; stop it first");
    }
    int port = Integer.parseInt(clusterAddress.substring(clusterAddress.lastIndexOf(':') + 1));
    int httpPort = java.net.URI.create(url).getPort();
    coordinator = launchCoordinator(options, port, httpPort, "coordinator-" + (++coordinators));
    url = coordinator.awaitReady(START_TIMEOUT).get("http");
    return url;
  }

  /** Starts one more node with {@code workers} slots and returns it without waiting. */
  public synchronized JvmProcess launchNode(int workers) {
    return launchNode(workers, List.of());
  }

  /**
   * Starts one more node with {@code workers} slots and options of its own besides every node's,
   * such as {@code --label gpu}, and returns it without waiting. A node started in its place when
   * it dies has every node's options only.
   */
  public synchronized JvmProcess launchNode(int workers, List<String> ownArgs) {
    started++;
    String name = "node-" + started;
    List<String> args =
        new ArrayList<>(
            List.of(
                "node",
                "--join",
                clusterAddress,
                "--workers",
                String.valueOf(workers),
                "--host",
                options.host(),
                "--cluster-ca-dir",
                caDir(options).toString(),
                "--parent-pid",
                String.valueOf(ProcessHandle.current().pid())));
    args.addAll(options.nodeArgs());
    args.addAll(ownArgs);
    JvmProcess node =
        JvmProcess.start(
            name,
            options.classPath(),
            options.jvmFlags(),
            args,
            options.logDir().map(dir -> dir.resolve(name + ".log")),
            options.output(),
            options.ownSessions());
    nodes.add(node);
    if (options.restartNodes()) {
      node.onExit().thenAccept(code -> replace(node, workers, code));
    }
    return node;
  }

  /**
   * Starts a node in place of one that died, unless the cluster is stopping or crash-looping. A
   * node that exits 0 was stopped on purpose (drained) and stays stopped.
   */
  private synchronized void replace(JvmProcess dead, int workers, int code) {
    if (closing || code == 0) {
      return;
    }
    long now = System.nanoTime();
    while (!restarts.isEmpty() && now - restarts.peekFirst() > RESTART_WINDOW.toNanos()) {
      restarts.pollFirst();
    }
    if (restarts.size() >= MAX_RESTARTS) {
      System.err.printf(
          "cohort local: %s exited with code %d; not restarting it: %d nodes died within %d s%n",
          dead.name(), code, restarts.size(), RESTART_WINDOW.toSeconds());
      return;
    }
    restarts.addLast(now);
    JvmProcess replacement = launchNode(workers);
    System.err.printf(
        "cohort local: %s (pid %d) exited with code %d; started %s in its place%n",
        dead.name(), dead.pid(), code, replacement.name());
  }

  /** The coordinator's HTTP URL. */
  public synchronized String url() {
    return url;
  }

  /**
   * The throw-away CA of the cluster's members, in its data folder: each member issues itself a
   * certificate from it, so only this cluster's JVMs can join.
   */
  static Path caDir(Options options) {
    return options.dataDir().toAbsolutePath().resolve("ca");
  }

  /** The folder of the cluster's throw-away CA. */
  public Path caDir() {
    return caDir(options);
  }

  /**
   * The coordinator's API token: the one its environment gives it ({@code COHORT_TOKEN} or {@code
   * COHORT_TOKEN_FILE}, which the children inherit), or the one it keeps in its data folder.
   */
  public Token token() {
    TokenSource source = tokenSource();
    return source.given() != null
        ? Token.of(source.given(), "COHORT_TOKEN")
        : TokenFile.read(source.file());
  }

  /** Where {@link #token()} is, for the user. */
  public String tokenWhere() {
    TokenSource source = tokenSource();
    return "the one in " + (source.given() != null ? "COHORT_TOKEN" : source.file());
  }

  /** The token the environment gives ({@code given}), or else the file that holds it. */
  private record TokenSource(String given, Path file) {}

  private TokenSource tokenSource() {
    String given = System.getenv("COHORT_TOKEN");
    if (given != null && !given.isBlank()) {
      return new TokenSource(given, null);
    }
    String file = System.getenv("COHORT_TOKEN_FILE");
    return new TokenSource(
        null,
        file != null && !file.isBlank()
            ? Path.of(file)
            : options.dataDir().toAbsolutePath().resolve(TokenFile.NAME));
  }

  /** A client of the coordinator, with its token. */
  public CohortClient client() {
    return CohortClient.connect(java.net.URI.create(url()), Credentials.of(token()));
  }

  /** The coordinator's cluster address, {@code host:port}. */
  public String clusterAddress() {
    return clusterAddress;
  }

  public synchronized JvmProcess coordinator() {
    return coordinator;
  }

  /** The node JVMs started so far, running or not. */
  public synchronized List<JvmProcess> nodes() {
    return List.copyOf(nodes);
  }

  /**
   * Stops every child: nodes first, all at once, while the coordinator still runs (so they leave
   * the cluster cleanly), then the coordinator.
   */
  @Override
  public void close() {
    stop();
  }

  /**
   * Stops every child as {@link #close} does.
   *
   * @return whether the cluster stopped cleanly: the coordinator was still running, and it and
   *     every node still running stopped by themselves with exit code 0. Nodes that had died before
   *     (and were replaced) do not count.
   */
  public boolean stop() {
    closing = true;
    boolean coordinatorRan = coordinator().isAlive();
    List<CompletableFuture<Boolean>> stopping = new ArrayList<>();
    for (JvmProcess node : nodes()) {
      boolean ran = node.isAlive();
      stopping.add(
          CompletableFuture.supplyAsync(
              () -> node.stop(STOP_GRACE) || !ran,
              runnable -> {
                Thread thread = new Thread(runnable, "stop-" + node.name());
                thread.setDaemon(true);
                thread.start();
              }));
    }
    boolean clean = coordinatorRan;
    for (CompletableFuture<Boolean> node : stopping) {
      clean &= node.join();
    }
    return coordinator().stop(STOP_GRACE) && clean;
  }
}
