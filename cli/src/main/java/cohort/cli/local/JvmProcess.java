package cohort.cli.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A {@code cohort} subcommand running in a child JVM, such as a coordinator or a node, with its
 * readiness line parsed.
 *
 * <p>Servers print one line to stdout once they serve, for example {@code cohort node ready
 * node=127.0.0.1:40123 coordinator=127.0.0.1:25520 slots=1}; {@link #awaitReady} waits for it
 * instead of guessing with sleeps. Other stdout lines go to a consumer; stderr (the log) goes to a
 * file or to this JVM's stderr.
 */
public final class JvmProcess implements AutoCloseable {

  /** The main class every child runs. */
  public static final String MAIN_CLASS = "cohort.cli.CohortCommand";

  /**
   * Flags every child JVM gets; see the notes on 2-core machines in docs/. The compiler thresholds
   * are the ones {@code bin/cohort} gives its long-running JVMs (keep the two equal): C2 compiles
   * only code ten times hotter than by default, so the code that runs once at start and in a
   * cluster's first job stays with C1, while a long job's hot loops still get C2. That took a new
   * cluster's CPU to readiness and through its first job down by about a third
   * (docs/performance.md, "Cold runs").
   */
  public static final List<String> STANDARD_JVM_FLAGS =
      List.of(
          "-XX:+ExitOnOutOfMemoryError",
          "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
          "-XX:Tier4InvocationThreshold=50000",
          "-XX:Tier4MinInvocationThreshold=6000",
          "-XX:Tier4CompileThreshold=150000",
          "-XX:Tier4BackEdgeThreshold=400000");

  private final String name;
  private final Process process;
  private final Path log;
  private final CompletableFuture<Map<String, String>> ready = new CompletableFuture<>();
  private volatile Optional<Map<String, String>> latest = Optional.empty();

  private JvmProcess(String name, Process process, Path log, Consumer<String> output) {
    this.name = name;
    this.process = process;
    this.log = log;
    Thread reader = new Thread(() -> pump(output), name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code cohort args...} in a new JVM.
   *
   * @param name a label for logs and errors, such as {@code node-1}
   * @param classPath the child's class path
   * @param jvmFlags flags before the main class, after {@link #STANDARD_JVM_FLAGS}; the flags in
   *     {@code COHORT_JAVA_OPTS} come after them, as {@code bin/cohort} puts them last
   * @param args the subcommand and its options
   * @param log where the child's stderr goes; empty to share this JVM's stderr
   * @param output receives the child's stdout lines other than the readiness line
   * @param ownSession start the child in a session of its own (with {@code setsid}, where the
   *     system has it), so a Ctrl-C in this terminal reaches only this JVM, which then stops its
   *     children in order
   */
  public static JvmProcess start(
      String name,
      String classPath,
      List<String> jvmFlags,
      List<String> args,
      Optional<Path> log,
      Consumer<String> output,
      boolean ownSession) {
    List<String> prefix = new ArrayList<>();
    if (ownSession) {
      setsid().ifPresent(prefix::add);
    }
    return start(name, prefix, Map.of(), classPath, jvmFlags, args, log, output);
  }

  /**
   * Starts {@code cohort args...} in a new JVM through a launcher, such as {@code ip netns exec NS}
   * that runs it in another network namespace, with more environment variables.
   *
   * @param launcher words before the {@code java} command; empty to start it directly
   * @param env environment variables besides this JVM's
   */
  public static JvmProcess start(
      String name,
      List<String> launcher,
      Map<String, String> env,
      String classPath,
      List<String> jvmFlags,
      List<String> args,
      Optional<Path> log,
      Consumer<String> output) {
    List<String> command = new ArrayList<>(launcher);
    command.add(javaCommand());
    command.addAll(STANDARD_JVM_FLAGS);
    command.addAll(classArchiveFlags(classPath));
    command.addAll(jvmFlags);
    command.addAll(userJvmFlags());
    command.add("-cp");
    command.add(classPath);
    command.add(MAIN_CLASS);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    if (log.isPresent()) {
      builder.redirectError(ProcessBuilder.Redirect.appendTo(log.get().toFile()));
    } else {
      builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    }
    try {
      return new JvmProcess(name, builder.start(), log.orElse(null), output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  private static Optional<String> setsid() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (java.nio.file.Files.isExecutable(Path.of(candidate))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The {@code java} executable running this JVM. */
  public static String javaCommand() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * The flags that start a child with this JVM's class-data sharing archive ({@code
   * -Dcohort.class.archive}, which {@code bin/cohort} sets when it starts a JVM with the archive
   * the build made), when the child runs the same jar: an archive holds for the exact class path it
   * was made for, this JVM's own unless {@code -Dcohort.class.archive.classpath} names another (the
   * system tests, which run in a test JVM, give their children the archive the build made for
   * {@code cli/target/cohort.jar} that way). A child that cannot use it starts without it,
   * silently, as {@code bin/cohort} does.
   */
  public static List<String> classArchiveFlags(String classPath) {
    String archive = System.getProperty("cohort.class.archive");
    String archived =
        System.getProperty("cohort.class.archive.classpath", System.getProperty("java.class.path"));
    if (archive == null
        || archive.isBlank()
        || archived.isBlank()
        || !classPath.startsWith(archived)
        || !java.nio.file.Files.isRegularFile(Path.of(archive))) {
      return List.of();
    }
    return archiveFlags(archive);
  }

  /**
   * The flags that start a JVM with the class-data sharing archive at {@code archive}, as {@code
   * bin/cohort} does: mapped where it was made to go, and passed on to the JVM's own children.
   */
  public static List<String> archiveFlags(String archive) {
    return List.of(
        "-XX:SharedArchiveFile=" + archive,
        "-Xshare:auto",
        "-Xlog:cds*=off",
        "-XX:+UnlockDiagnosticVMOptions",
        "-XX:ArchiveRelocationMode=0",
        "-Dcohort.class.archive=" + archive);
  }

  /** Extra JVM flags from {@code COHORT_JAVA_OPTS}, split on spaces. */
  public static List<String> userJvmFlags() {
    String opts = System.getenv("COHORT_JAVA_OPTS");
    if (opts == null || opts.isBlank()) {
      return List.of();
    }
    return Arrays.asList(opts.trim().split("\\s+"));
  }

  private void pump(Consumer<String> output) {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("cohort ") && line.contains(" ready ")) {
          Map<String, String> fields = parseReady(line);
          latest = Optional.of(fields);
          ready.complete(fields);
        } else {
          output.accept(line);
        }
      }
    } catch (IOException e) {
      // The child closed its stdout: it is exiting.
    } finally {
      ready.completeExceptionally(
          new IllegalStateException(name + " exited before it was ready" + logHint()));
    }
  }

  /** The {@code key=value} fields of a readiness line. */
  public static Map<String, String> parseReady(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String word : line.split("\\s+")) {
      int eq = word.indexOf('=');
      if (eq > 0) {
        fields.put(word.substring(0, eq), word.substring(eq + 1));
      }
    }
    return fields;
  }

  /**
   * Waits for the readiness line and returns its {@code key=value} fields.
   *
   * @throws IllegalStateException when the child exits first or the time runs out
   */
  public Map<String, String> awaitReady(Duration timeout) {
    try {
      return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          name + " was not ready within " + timeout.toSeconds() + " s" + logHint(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
  }

  /**
   * The fields of the child's latest readiness line, once it printed one. A node that joins its
   * cluster again prints the line again, with its new address.
   */
  public Optional<Map<String, String>> readiness() {
    return latest;
  }

  private String logHint() {
    return log == null ? "; see its log above" : "; see its log in " + log;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The child's log file, if its stderr goes to one. */
  public Optional<Path> log() {
    return Optional.ofNullable(log);
  }

  /** Completes with the exit code when the child exits. */
  public CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /** Asks the child to stop (SIGTERM): it leaves the cluster gracefully. */
  public void terminate() {
    process.destroy();
  }

  /** Kills the child at once (SIGKILL), like a crash. */
  public void kill() {
    process.destroyForcibly();
  }

  /**
   * Waits for the child to exit.
   *
   * @return its exit code, or empty if it still runs after {@code timeout}
   */
  public Optional<Integer> waitFor(Duration timeout) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.of(process.exitValue());
      }
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * Stops the child: SIGTERM, then SIGKILL if it is still running after {@code grace}.
   *
   * @return whether it ended by itself with exit code 0 (for a child that had ended before, whether
   *     its code was 0); false if it had to be killed
   */
  public boolean stop(Duration grace) {
    if (!process.isAlive()) {
      return process.exitValue() == 0;
    }
    terminate();
    Optional<Integer> code = waitFor(grace);
    if (code.isEmpty()) {
      kill();
      waitFor(Duration.ofSeconds(10));
      return false;
    }
    return code.get() == 0;
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }
}
