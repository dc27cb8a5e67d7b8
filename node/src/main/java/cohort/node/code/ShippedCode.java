package cohort.node.code;

import cohort.api.code.CodeRef;
import cohort.node.NodeAccess;
import com.typesafe.config.Config;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipped code a node has loaded, one {@link LoadedCode} per set of jars, so jobs of the same
 * code share its classes and two versions of one task run side by side. A set no batch has run for
 * {@code idle} is closed ({@link #closeIdle}), and so is the least recently used idle one beyond
 * {@code max}: a node that runs one deployment after another keeps its loaded classes and Metaspace
 * bounded. Thread-safe; loading blocks (it may fetch jars), so call it off actors.
 */
public final class ShippedCode {

  private static final Logger LOG = LoggerFactory.getLogger(ShippedCode.class);

  private final CodeFiles files;
  private final Duration idle;
  private final int max;
  private final LongSupplier clock;
  private final Map<List<String>, LoadedCode> loaded = new HashMap<>();

  /**
   * @param files where the jars come from
   * @param idle how long code no batch ran stays loaded
   * @param max sets of jars loaded at most, beside those in use
   * @param clock nanoseconds, such as {@link System#nanoTime}
   */
  public ShippedCode(CodeFiles files, Duration idle, int max, LongSupplier clock) {
    this.files = files;
    this.idle = idle;
    this.max = max;
    this.clock = clock;
  }

  /**
   * The shipped code a node's settings ask for: empty when {@code cohort.node.shipped-code} is off.
   *
   * @throws IllegalArgumentException naming a bad setting
   */
  public static Optional<ShippedCode> fromConfig(Config config, NodeAccess access) {
    if (!config.getBoolean("cohort.node.shipped-code")) {
      return Optional.empty();
    }
    Duration idle = config.getDuration("cohort.node.shipped-code-idle");
    if (idle.isNegative() || idle.isZero()) {
      throw new IllegalArgumentException(
          "cohort.node.shipped-code-idle = " + idle + " must be positive, such as 2m");
    }
    int max = config.getInt("cohort.node.shipped-code-max");
    if (max < 1) {
      throw new IllegalArgumentException(
          "cohort.node.shipped-code-max = " + max + " must be at least 1");
    }
    String folder = config.getString("cohort.node.code-cache").trim();
    Path cache =
        folder.isEmpty()
            ? Path.of(
                System.getProperty("java.io.tmpdir"),
                "cohort-code-" + System.getProperty("user.name"))
            : Path.of(folder);
    return Optional.of(new ShippedCode(new CodeFiles(cache, access), idle, max, System::nanoTime));
  }

  /** How often idle code is looked for: a quarter of the idle time, at most once a second. */
  public Duration sweep() {
    Duration quarter = idle.dividedBy(4);
    return quarter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : quarter;
  }

  /**
   * The loaded code of these jars, fetched and loaded when needed.
   *
   * @throws IOException when a jar cannot be fetched or does not match its digest
   */
  public LoadedCode load(CodeRef code) throws IOException {
    synchronized (this) {
      LoadedCode known = loaded.get(code.jars());
      if (known != null) {
        known.touch();
        return known;
      }
    }
    // Fetched and checked outside the lock: a large jar on a slow link must not hold up the
    // worker's sweep, nor jobs of code already loaded.
    List<URL> urls = new ArrayList<>();
    for (String jar : code.jars()) {
      Path file = files.jar(jar);
      if (!jar.equals(cohort.api.code.Sha256.of(file))) {
        throw new IOException("jar " + CodeRef.shortDigest(jar) + " changed on this node's disk");
      }
      urls.add(file.toUri().toURL());
    }
    synchronized (this) {
      LoadedCode known = loaded.get(code.jars());
      if (known != null) { // another job of the same code loaded it meanwhile
        known.touch();
        return known;
      }
      String name = "cohort-shipped-" + CodeRef.shortDigest(code.jars().get(0));
      LoadedCode fresh =
          new LoadedCode(
              code.jars(),
              new ChildFirstLoader(
                  name, urls.toArray(URL[]::new), ShippedCode.class.getClassLoader()),
              clock);
      loaded.put(code.jars(), fresh);
      LOG.info("loaded shipped code {} ({} jars)", name, urls.size());
      closeOverMax(fresh);
      return fresh;
    }
  }

  /**
   * Closes the code no batch ran for the idle time, and the least recently used idle code beyond
   * the most kept.
   *
   * @return the jar sets closed: tasks bound from them must be dropped
   */
  public synchronized List<List<String>> closeIdle() {
    long before = clock.getAsLong() - idle.toNanos();
    List<List<String>> closed = new ArrayList<>();
    for (LoadedCode code : List.copyOf(loaded.values())) {
      if (code.idleSince(before)) {
        close(code, closed);
      }
    }
    closed.addAll(closeOverMax(null));
    return closed;
  }

  /** Closes the least recently used idle code beyond max, never {@code keep} (just loaded). */
  private List<List<String>> closeOverMax(LoadedCode keep) {
    List<List<String>> closed = new ArrayList<>();
    if (loaded.size() <= max) {
      return closed;
    }
    long now = clock.getAsLong();
    List<LoadedCode> oldest =
        loaded.values().stream()
            .filter(code -> code != keep && code.idleSince(now))
            .sorted(Comparator.comparingLong(LoadedCode::lastUsed))
            .toList();
    for (LoadedCode code : oldest) {
      if (loaded.size() <= max) {
        break;
      }
      close(code, closed);
    }
    return closed;
  }

  private void close(LoadedCode code, List<List<String>> closed) {
    loaded.remove(code.jars());
    try {
      code.close();
    } catch (IOException e) {
      LOG.warn("closing shipped code {} failed: {}", code.jars().get(0), e.getMessage());
    }
    closed.add(code.jars());
    LOG.info("closed shipped code cohort-shipped-{}", CodeRef.shortDigest(code.jars().get(0)));
  }

  /** How many sets of jars are loaded now. */
  public synchronized int loadedCount() {
    return loaded.size();
  }

  /** Closes every loaded set, as the node stops. */
  public synchronized void closeAll() {
    List<List<String>> closed = new ArrayList<>();
    for (LoadedCode code : List.copyOf(loaded.values())) {
      close(code, closed);
    }
  }
}
