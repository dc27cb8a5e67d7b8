package cohort.cli.it;

import cohort.cli.local.JvmProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the {@code cohort} command line in a child JVM, as a user would, and captures it. */
final class Cli {

  /** What a run printed and how it ended. */
  record Run(int exitCode, List<String> stdout, String stderr) {
    String lastLine() {
      return stdout.isEmpty() ? null : stdout.get(stdout.size() - 1);
    }

    /** The id of the job an attached submit ran, from its {@code cohort: job ID accepted} line. */
    String jobId() {
      return acceptedJob(stderr)
          .orElseThrow(() -> new AssertionError("the CLI accepted no job: " + stderr));
    }
  }

  private static final Pattern ACCEPTED =
      Pattern.compile("^cohort: job (\\S+) accepted$", Pattern.MULTILINE);

  private static Optional<String> acceptedJob(String stderr) {
    Matcher accepted = ACCEPTED.matcher(stderr);
    return accepted.find() ? Optional.of(accepted.group(1)) : Optional.empty();
  }

  private Cli() {}

  /** A CLI process still running, for tests that interact with it. */
  static final class Running {
    private final Process process;
    private final Path out;
    private final Path err;

    Running(Process process, Path out, Path err) {
      this.process = process;
      this.out = out;
      this.err = err;
    }

    /** Waits until stdout has at least {@code count} lines. */
    void awaitStdoutLines(int count, Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (Files.readAllLines(out, StandardCharsets.UTF_8).size() < count) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new AssertionError(
              "the CLI printed fewer than "
                  + count
                  + " lines: "
                  + Files.readString(out)
                  + Files.readString(err));
        }
        Jobs.pause(20);
      }
    }

    /**
     * Waits for a stdout line that starts with {@code prefix} and returns it, once it is whole (a
     * readiness line the test reads a port from).
     */
    String awaitStdoutLine(String prefix, Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        String text = Files.readString(out, StandardCharsets.UTF_8);
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).lines().toList()) {
          if (line.startsWith(prefix)) {
            return line;
          }
        }
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new AssertionError(
              "the CLI printed no line starting with '"
                  + prefix
                  + "': "
                  + Files.readString(out)
                  + Files.readString(err));
        }
        Jobs.pause(50);
      }
    }

    /** Waits until stderr contains {@code text}. */
    void awaitStderr(String text, Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!Files.readString(err, StandardCharsets.UTF_8).contains(text)) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new AssertionError(
              "the CLI wrote no '" + text + "' on stderr: " + Files.readString(err));
        }
        Jobs.pause(20);
      }
    }

    /** Waits until an attached submit says its job was accepted, and returns the job's id. */
    String awaitJobId(Duration timeout) throws IOException {
      // The command's own line, not a coordinator's log line that also says "accepted".
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        Optional<String> id = acceptedJob(stderr);
        if (id.isPresent()) {
          return id.get();
        }
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new AssertionError("no job accepted: " + stderr);
        }
        Jobs.pause(20);
      }
    }

    ProcessHandle handle() {
      return process.toHandle();
    }

    boolean isAlive() {
      return process.isAlive();
    }

    void signal(String signal) {
      Signals.send(process.pid(), signal);
    }

    Run await(Duration timeout) throws IOException, InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the CLI did not end within " + timeout);
      }
      Run run =
          new Run(
              process.exitValue(),
              Files.readAllLines(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return run;
    }
  }

  /**
   * Starts an attached {@code cohort submit sleep} of {@code count} inputs of {@code millis}, one
   * per dispatch, on the coordinator at {@code url}: a job that runs long enough to interrupt.
   */
  static Running startSleeps(String url, int count, long millis) throws IOException {
    return start(sleepsArgs(url, count, millis).toArray(String[]::new));
  }

  /** The arguments of a submit of {@code count} sleeps of {@code millis} each, one per batch. */
  static List<String> sleepsArgs(String url, int count, long millis) {
    List<String> args =
        new ArrayList<>(List.of("submit", "sleep", "--batch", "1", "--coordinator", url));
    for (int i = 0; i < count; i++) {
      args.add(Long.toString(millis));
    }
    return args;
  }

  /**
   * Starts the CLI. Where this JVM inherited an ignored SIGINT (a background job of a
   * non-interactive shell), the child is started through Python, which restores SIGINT's default so
   * the CLI can handle Ctrl-C as it would in a terminal.
   */
  static Running start(String... args) throws IOException {
    return start(List.of(), null, args);
  }

  /**
   * Starts the CLI with extra JVM flags and, if {@code stdin} is given, that file as its standard
   * input.
   */
  static Running start(List<String> jvmFlags, Path stdin, String... args) throws IOException {
    return start(Map.of(), jvmFlags, stdin, args);
  }

  /**
   * Keeps a child from the user's own cluster: no coordinator from the environment, and a fresh
   * data folder for any coordinator or {@code cohort local} it starts (the defaults are one folder
   * per user, which two tests at once would share).
   */
  private static void isolate(ProcessBuilder builder) {
    builder.environment().remove("COHORT_COORDINATOR");
    try {
      // Beside the system tests' logs in the build folder, which a clean build removes; the
      // temporary folder only when run otherwise.
      String logs = System.getProperty("cohort.it.logs");
      Path data =
          Files.createDirectories(
              logs != null
                  ? Path.of(logs, "it-data", "cli")
                  : Path.of(System.getProperty("java.io.tmpdir"), "cohort-it"));
      builder
          .environment()
          .put("COHORT_DATA_DIR", Files.createTempDirectory(data, "coordinator-").toString());
      builder
          .environment()
          .put("COHORT_LOCAL_DATA_DIR", Files.createTempDirectory(data, "local-").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code cohort submit sleep --input-file - --unordered --combine sum} at {@code
   * coordinators}, its inputs (milliseconds, one per line) read from the file {@code lines} as its
   * standard input.
   */
  static Running streamedSleeps(String coordinators, Path lines) throws IOException {
    return start(
        Map.of(),
        List.of(),
        lines,
        "submit",
        "sleep",
        "--input-file",
        "-",
        "--unordered",
        "--combine",
        "sum",
        "--coordinator",
        coordinators);
  }

  /** Starts the CLI with these environment variables set, besides this JVM's. */
  static Running start(Map<String, String> env, List<String> jvmFlags, Path stdin, String... args)
      throws IOException {
    Path out = Files.createTempFile("cohort-cli", ".out");
    Path err = Files.createTempFile("cohort-cli", ".err");
    List<String> command = new ArrayList<>();
    if (sigintIgnored()) {
      command.addAll(
          List.of(
              "python3",
              "-c",
              "import os,signal,sys; signal.signal(signal.SIGINT, signal.SIG_DFL);"
                  + " os.execvp(sys.argv[1], sys.argv[1:])"));
    }
    command.addAll(javaCommand(jvmFlags, args));
    ProcessBuilder builder = new ProcessBuilder(command);
    isolate(builder);
    builder.environment().putAll(env);
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    if (stdin != null) {
      builder.redirectInput(stdin.toFile());
    }
    return new Running(builder.start(), out, err);
  }

  /**
   * Starts the CLI with its stdout as a pipe for the test to read and its stderr written to {@code
   * stderr}, such as a FIFO the test reads: JVMs it starts that share its stderr hold that open
   * too, so the FIFO reaches its end once all of them have ended. (The JDK closes a process's own
   * stderr pipe when the process exits, so that cannot tell.)
   */
  static Process startPiped(Map<String, String> env, Path stderr, String... args)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(javaCommand(args));
    isolate(builder);
    builder.environment().putAll(env);
    builder.redirectError(stderr.toFile());
    return builder.start();
  }

  /** Starts {@code bin/cohort}, the launcher people run, with these environment variables set. */
  static Running startLauncher(Map<String, String> env, String... args) throws IOException {
    Path out = Files.createTempFile("cohort-cli", ".out");
    Path err = Files.createTempFile("cohort-cli", ".err");
    List<String> command =
        new ArrayList<>(List.of("bash", Children.root().resolve("bin/cohort").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    isolate(builder);
    builder.environment().putAll(env);
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    return new Running(builder.start(), out, err);
  }

  private static boolean sigintIgnored() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          long mask = Long.parseLong(line.substring(7).trim(), 16);
          return (mask & 0x2) != 0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return false;
    }
    return false;
  }

  private static List<String> javaCommand(String... args) {
    return javaCommand(List.of(), args);
  }

  private static List<String> javaCommand(List<String> jvmFlags, String... args) {
    List<String> command = new ArrayList<>();
    command.add(JvmProcess.javaCommand());
    command.addAll(JvmProcess.STANDARD_JVM_FLAGS);
    // The class-data archive the build made for the jar, as every other child JVM gets it.
    command.addAll(JvmProcess.classArchiveFlags(Children.classPath()));
    command.addAll(jvmFlags);
    command.addAll(JvmProcess.userJvmFlags()); // as bin/cohort adds COHORT_JAVA_OPTS last
    command.add("-cp");
    command.add(Children.classPath());
    command.add(JvmProcess.MAIN_CLASS);
    command.addAll(List.of(args));
    return command;
  }

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  /**
   * The command that runs the CLI with these arguments, quoted for a shell script, so a test can
   * use the shell's own redirections around it as a user would ({@code <(...)}, pipes).
   */
  static String shellCommand(String... args) {
    return javaCommand(args).stream()
        .map(word -> "'" + word.replace("'", "'\\''") + "'")
        .collect(java.util.stream.Collectors.joining(" "));
  }

  /** Runs a bash script to its end, in {@code dir}, as {@link #run} runs the CLI. */
  static Run bash(Path dir, String script) {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).directory(dir.toFile());
    isolate(builder);
    return run(builder, script);
  }

  /** Runs the CLI to its end with these environment variables set, besides this JVM's. */
  static Run run(Map<String, String> env, String... args) {
    ProcessBuilder builder = new ProcessBuilder(javaCommand(args));
    isolate(builder);
    builder.environment().putAll(env);
    return run(builder, "cohort " + String.join(" ", args));
  }

  private static Run run(ProcessBuilder builder, String what) {
    try {
      Path out = Files.createTempFile("cohort-cli", ".out");
      Path err = Files.createTempFile("cohort-cli", ".err");
      builder.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process process = builder.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(what + " did not end within 120 s");
      }
      Run run =
          new Run(
              process.exitValue(),
              Files.readAllLines(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return run;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run the CLI: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
