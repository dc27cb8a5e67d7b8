package cohort.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a job runs, as an immutable value: each method returns a copy with one option changed, and
 * checks it at once with a message that says what is wrong. {@code Options.defaults()} is what
 * every call uses when given none.
 *
 * <pre>{@code
 * Options options = Options.defaults().batch(100).retries(2).taskTimeout(Duration.ofSeconds(30));
 * }</pre>
 */
public final class Options {

  /** Most retries and attempts a job may ask for, as the coordinator takes. */
  public static final int MAX_RUNS = 100;

  private static final Set<String> COMBINERS = Set.of("sum", "count", "min", "max", "none");
  private static final Options DEFAULTS =
      new Options(null, null, null, null, null, null, null, List.of(), true, Map.of());

  private final Boolean ordered;
  private final Integer batch;
  private final Integer retries;
  private final Integer maxAttempts;
  private final Duration taskTimeout;
  private final String combine;
  private final Object params;
  private final List<Path> jars;
  private final boolean ship;
  private final Map<String, Path> broadcasts;

  private Options(
      Boolean ordered,
      Integer batch,
      Integer retries,
      Integer maxAttempts,
      Duration taskTimeout,
      String combine,
      Object params,
      List<Path> jars,
      boolean ship,
      Map<String, Path> broadcasts) {
    this.ordered = ordered;
    this.batch = batch;
    this.retries = retries;
    this.maxAttempts = maxAttempts;
    this.taskTimeout = taskTimeout;
    this.combine = combine;
    this.params = params;
    this.jars = List.copyOf(jars);
    this.ship = ship;
    this.broadcasts = Map.copyOf(broadcasts);
  }

  /** Every option at its default: results in input order, batches sized from task time. */
  public static Options defaults() {
    return DEFAULTS;
  }

  /** Results in input order ({@code true}, the default for {@code map}) or as they complete. */
  public Options ordered(boolean value) {
    return new Options(
        value, batch, retries, maxAttempts, taskTimeout, combine, params, jars, ship, broadcasts);
  }

  /** Results as they complete. */
  public Options unordered() {
    return ordered(false);
  }

  /**
   * Inputs per dispatch, like {@code chunksize} in Python's {@code Pool.map}; by default Cohort
   * sizes batches from the measured task time.
   *
   * @throws IllegalArgumentException when {@code value} is below 1
   */
  public Options batch(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("batch is " + value + "; give 1 or more inputs per batch");
    }
    return new Options(
        ordered, value, retries, maxAttempts, taskTimeout, combine, params, jars, ship, broadcasts);
  }

  /**
   * Times an input whose task threw runs again before its error is final (default 0).
   *
   * @throws IllegalArgumentException when out of 0 to {@link #MAX_RUNS}
   */
  public Options retries(int value) {
    if (value < 0 || value > MAX_RUNS) {
      throw new IllegalArgumentException("retries is " + value + "; give 0 to " + MAX_RUNS);
    }
    return new Options(
        ordered, batch, value, maxAttempts, taskTimeout, combine, params, jars, ship, broadcasts);
  }

  /**
   * Runs an input gets in all when it times out or its node is lost (default 3).
   *
   * @throws IllegalArgumentException when out of 1 to {@link #MAX_RUNS}
   */
  public Options maxAttempts(int value) {
    if (value < 1 || value > MAX_RUNS) {
      throw new IllegalArgumentException("maxAttempts is " + value + "; give 1 to " + MAX_RUNS);
    }
    return new Options(
        ordered, batch, retries, value, taskTimeout, combine, params, jars, ship, broadcasts);
  }

  /**
   * How long one input may run before it is interrupted and counted a failed attempt.
   *
   * @throws IllegalArgumentException when not positive
   */
  public Options taskTimeout(Duration value) {
    Objects.requireNonNull(value, "taskTimeout");
    if (value.isNegative() || value.isZero() || value.toMillis() < 1) {
      throw new IllegalArgumentException(
          "taskTimeout is " + value + "; give a positive time of at least 1 ms");
    }
    return new Options(
        ordered, batch, retries, maxAttempts, value, combine, params, jars, ship, broadcasts);
  }

  /**
   * Reduces the outputs at the coordinator ({@code sum}, {@code count}, {@code min}, {@code max});
   * {@link Cohort#reduce} returns the combined value.
   *
   * @throws IllegalArgumentException for another name
   */
  public Options combine(String value) {
    if (value == null || !COMBINERS.contains(value)) {
      throw new IllegalArgumentException(
          "combine is '" + value + "'; give one of sum, count, min, max or none");
    }
    return new Options(
        ordered, batch, retries, maxAttempts, taskTimeout, value, params, jars, ship, broadcasts);
  }

  /**
   * The task's parameters: an instance of its parameter type (a record), sent as JSON.
   *
   * @throws IllegalArgumentException when null
   */
  public Options params(Object value) {
    if (value == null) {
      throw new IllegalArgumentException("params is null; leave it out for the task's defaults");
    }
    return new Options(
        ordered, batch, retries, maxAttempts, taskTimeout, combine, value, jars, ship, broadcasts);
  }

  /**
   * Jars the task needs beside its own code (its libraries), shipped with it and looked up after
   * it, in this order.
   *
   * @throws IllegalArgumentException when one is not a file
   */
  public Options jars(Path... value) {
    List<Path> all = new ArrayList<>(jars);
    for (Path jar : value) {
      if (!java.nio.file.Files.isRegularFile(jar)) {
        throw new IllegalArgumentException(jar + ": no such jar file");
      }
      all.add(jar);
    }
    return new Options(
        ordered, batch, retries, maxAttempts, taskTimeout, combine, params, all, ship, broadcasts);
  }

  /**
   * Sends no code: the task is installed on the nodes (a plugin) or deployed ({@code cohort
   * deploy}), and runs as they have it.
   */
  public Options installed() {
    return new Options(
        ordered,
        batch,
        retries,
        maxAttempts,
        taskTimeout,
        combine,
        params,
        jars,
        false,
        broadcasts);
  }

  /**
   * Sends a file to every node once for the job, under {@code name}: tasks read it with {@link
   * cohort.task.TaskContext#broadcast(String)} (a read-only buffer shared by all the job's inputs
   * on a node) and their per-node setup ({@link cohort.task.NodeSetup}) with {@link
   * cohort.task.SetupContext#broadcast(String)}. It is uploaded only when the coordinator has not
   * got the same bytes, and a node that has them from an earlier job fetches nothing.
   *
   * @throws IllegalArgumentException when the name is not a broadcast name or the file is missing
   */
  public Options broadcast(String name, Path file) {
    cohort.api.broadcast.Broadcasts.checkName(name);
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such file to broadcast as '" + name + "'");
    }
    Map<String, Path> all = new java.util.TreeMap<>(broadcasts);
    all.put(name, file);
    return new Options(
        ordered, batch, retries, maxAttempts, taskTimeout, combine, params, jars, ship, all);
  }

  Map<String, Path> broadcasts() {
    return broadcasts;
  }

  Boolean ordered() {
    return ordered;
  }

  Integer batch() {
    return batch;
  }

  Integer retries() {
    return retries;
  }

  Integer maxAttempts() {
    return maxAttempts;
  }

  Duration taskTimeout() {
    return taskTimeout;
  }

  String combine() {
    return combine;
  }

  Object params() {
    return params;
  }

  List<Path> jars() {
    return jars;
  }

  boolean ship() {
    return ship;
  }
}
