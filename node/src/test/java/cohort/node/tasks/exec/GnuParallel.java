package cohort.node.tasks.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * GNU parallel, the peer that defines what exec's replacement strings mean, run as a test oracle.
 * When it is missing and this runs as root on Debian (as CI does), it installs Debian's {@code
 * parallel}; a test is skipped, saying why, only where that cannot be done.
 */
final class GnuParallel {

  private static final List<String> PLACES =
      List.of("/usr/bin/parallel", "/usr/local/bin/parallel");

  private final Path executable;

  private GnuParallel(Path executable) {
    this.executable = executable;
  }

  /** Finds GNU parallel, installing it when missing where possible; otherwise skips the test. */
  static GnuParallel locate() throws IOException, InterruptedException {
    Optional<Path> found = find();
    if (found.isEmpty()) {
      install();
      found = find();
    }
    Assumptions.assumeTrue(
        found.isPresent(),
        "GNU parallel is not installed and could not be installed here (this needs root and"
            + " apt-get); install it with: apt-get install parallel");
    return new GnuParallel(found.get());
  }

  private static Optional<Path> find() {
    return PLACES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
  }

  /** Installs Debian's package as bench/run.sh and .ci/run do: only as root, with apt-get. */
  private static void install() throws IOException, InterruptedException {
    if (!root() || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
      return;
    }
    System.err.println("GnuParallel: installing Debian's parallel, the exec task's test oracle");
    if (run("apt-get", "install", "-y", "-q", "parallel") != 0) {
      run("apt-get", "update", "-q");
      run("apt-get", "install", "-y", "-q", "parallel");
    }
  }

  private static boolean root() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  /**
   * Runs {@code parallel -k -0 COMMAND} over the inputs, each given to parallel NUL-terminated, so
   * any character may be in one, and returns what the jobs printed, split at NUL characters.
   */
  List<String> run(String command, List<String> inputs, Path work)
      throws IOException, InterruptedException {
    Path list = work.resolve("inputs");
    Files.write(list, (String.join("\0", inputs) + "\0").getBytes(StandardCharsets.UTF_8));
    Path home = Files.createDirectories(work.resolve("parallel-home"));
    ProcessBuilder builder =
        new ProcessBuilder(
            executable.toString(), "--will-cite", "-k", "-0", "-a", list.toString(), command);
    // Its own folder for parallel's state, and one shell: the quoting it adds depends on it.
    builder.environment().put("PARALLEL_HOME", home.toString());
    builder.environment().put("PARALLEL_SHELL", "/bin/sh");
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return fields(builder, "GNU parallel");
  }

  /** Runs a command and returns its stdout split at NUL characters; fails on a non-zero exit. */
  static List<String> fields(ProcessBuilder builder, String what)
      throws IOException, InterruptedException {
    Process process = builder.start();
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return process.getErrorStream().readAllBytes();
              } catch (IOException e) {
                return e.toString().getBytes(StandardCharsets.UTF_8);
              }
            });
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(what + " did not end within 5 minutes");
    }
    String stderr = new String(err.join(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new AssertionError(what + " exited with " + process.exitValue() + ": " + stderr);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (text.isEmpty()) {
      return List.of();
    }
    if (!text.endsWith("\0")) {
      throw new AssertionError(what + " printed a last field without its NUL: " + stderr);
    }
    return new ArrayList<>(Arrays.asList(text.substring(0, text.length() - 1).split("\0", -1)));
  }
}
