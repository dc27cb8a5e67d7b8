package cohort.bench;

import cohort.bench.peers.PythonPeer;
import cohort.bench.peers.hazelcast.HazelcastPeer;
import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * What every case needs: the run's size, where logs and scratch files go, and the peers, started at
 * most once per run.
 */
public final class BenchContext implements AutoCloseable {

  /** How big a run is: the smoke run of CI, {@code --quick}, or the full run. */
  public enum Size {
    SMOKE,
    QUICK,
    FULL
  }

  private final Size size;
  private final int rounds;
  private final Path root;
  private final String classPath;
  private final Path logs;
  private final Path work;
  private final Optional<PythonPeer> python;
  private HazelcastPeer hazelcast;
  private final Instant started = Instant.now();

  BenchContext(
      Size size,
      int rounds,
      Path root,
      String classPath,
      Path logs,
      Path work,
      Optional<PythonPeer> python) {
    this.size = size;
    this.rounds = rounds;
    this.root = root;
    this.classPath = classPath;
    this.logs = logs;
    this.work = work;
    this.python = python;
  }

  public Size size() {
    return size;
  }

  /** Picks the figure for this run's size. */
  public <T> T pick(T smoke, T quick, T full) {
    return switch (size) {
      case SMOKE -> smoke;
      case QUICK -> quick;
      case FULL -> full;
    };
  }

  /**
   * Runs {@code work} until the JVMs it uses are warm: again and again for a few seconds (once at
   * smoke size), so the measured rounds see compiled code, as a long-running cluster does. Every
   * JVM system of a case, Cohort and Hazelcast alike, gets the same; Python has no JIT to warm.
   */
  public void warm(Callable<?> work) throws Exception {
    long until =
        System.nanoTime()
            + pick(Duration.ZERO, Duration.ofSeconds(3), Duration.ofSeconds(12)).toNanos();
    do {
      work.call();
    } while (System.nanoTime() < until);
  }

  /** How many times each case runs each system, alternating them. */
  public int rounds() {
    return rounds;
  }

  /** The Cohort checkout, where {@code bin/cohort} is. */
  public Path root() {
    return root;
  }

  public String classPath() {
    return classPath;
  }

  public Path logs() {
    return logs;
  }

  /** A folder for scratch files such as generated images. */
  public Path work() {
    return work;
  }

  /** Python's pools, or empty when no {@code python3} runs here. */
  public Optional<PythonPeer> python() {
    return python;
  }

  /** Hazelcast with two members on loopback, started on first use. */
  public synchronized HazelcastPeer hazelcast() {
    if (hazelcast == null) {
      progress("starting Hazelcast: 2 members on loopback");
      hazelcast = HazelcastPeer.start(classPath, logs, 2);
    }
    return hazelcast;
  }

  /** Whether Hazelcast was started in this run. */
  public synchronized Optional<HazelcastPeer> hazelcastIfStarted() {
    return Optional.ofNullable(hazelcast);
  }

  /** Starts a Cohort cluster of {@code nodes} node JVMs with one worker each. */
  public LocalCluster cluster(int nodes) {
    return cluster(nodes, List.of());
  }

  /** Starts a Cohort cluster of {@code nodes} node JVMs with {@code workers} slots each. */
  public LocalCluster cluster(int nodes, int workers) {
    return startCluster(classPath, List.of(), logs, nodes, workers);
  }

  /** Starts a Cohort cluster whose JVMs get extra flags, such as a heap limit. */
  public LocalCluster cluster(int nodes, List<String> jvmFlags) {
    return startCluster(classPath, jvmFlags, logs, nodes, 1);
  }

  /**
   * Starts a cluster of {@code nodes} node JVMs with {@code workers} slots each as {@code
   * bin/cohort local} starts one for a user: every JVM runs the build's jar with its class-data
   * sharing archive (when {@code bench/run.sh} found them: {@code cohort.bench.jar} and {@code
   * cohort.bench.archive}), and none has run anything yet. For the cold rows: the first job of a
   * new cluster.
   */
  public LocalCluster coldCluster(int nodes, int workers) {
    String jar = System.getProperty("cohort.bench.jar", "");
    String archive = System.getProperty("cohort.bench.archive", "");
    return startCluster(
        jar.isBlank() ? classPath : jar,
        archive.isBlank() ? List.of() : JvmProcess.archiveFlags(archive),
        logs,
        nodes,
        workers);
  }

  /**
   * Starts a cluster as {@code cohort local} does on loopback, a coordinator and {@code nodes}
   * nodes of {@code workers} slots each, its JVMs running {@code classPath} with {@code jvmFlags},
   * their logs in {@code logs} and their output kept out of the benchmark's.
   */
  public static LocalCluster startCluster(
      String classPath, List<String> jvmFlags, Path logs, int nodes, int workers) {
    return LocalCluster.start(
        new LocalCluster.Options(
            classPath,
            jvmFlags,
            "127.0.0.1",
            0,
            0,
            dataDir(logs),
            Optional.of(logs),
            line -> {},
            false,
            false,
            List.of()),
        nodes,
        workers);
  }

  /** A fresh data folder for a cluster's coordinator, so no run recovers another's jobs. */
  private static Path dataDir(Path logs) {
    try {
      Files.createDirectories(logs);
      return Files.createTempDirectory(logs, "coordinator-data-");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** How the cold rows' clusters start, for the results page. */
  public String coldClusterNote() {
    if (System.getProperty("cohort.bench.jar", "").isBlank()) {
      return "Cold clusters ran from the benchmark's class path without a class-data archive"
          + " (bench/run.sh passes the build's jar and archive): slower to start than a user's.";
    }
    return System.getProperty("cohort.bench.archive", "").isBlank()
        ? "Cold clusters ran the build's jar without a class-data archive (this JDK made none)."
        : "Cold clusters ran the build's jar with its class-data archive, as `bin/cohort local`"
            + " starts them.";
  }

  /** A line on stderr about what the run is doing. */
  public void progress(String format, Object... args) {
    long seconds = Duration.between(started, Instant.now()).toSeconds();
    System.err.printf("[%3d s] %s%n", seconds, String.format(format, args));
  }

  @Override
  public synchronized void close() {
    if (hazelcast != null) {
      hazelcast.close();
      hazelcast = null;
    }
  }
}
