package cohort.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Python's {@code multiprocessing} and {@code concurrent.futures} as peers: runs one measurement of
 * {@code bench/python/peer.py} with the system's {@code python3} and reads the JSON object it
 * prints last. The script times only the work, after its pool is warm, as the Cohort side does.
 */
public final class PythonPeer {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String python;
  private final Path script;
  private final Path logs;

  private PythonPeer(String python, Path script, Path logs) {
    this.python = python;
    this.script = script;
    this.logs = logs;
  }

  /**
   * The peer, or empty (with the reason on stderr) when no {@code python3} runs here.
   *
   * @param script {@code bench/python/peer.py}
   * @param logs where each run's stderr goes
   */
  public static Optional<PythonPeer> find(String python, Path script, Path logs) {
    if (!Files.isRegularFile(script)) {
      throw new IllegalArgumentException("the Python peer script " + script + " is missing");
    }
    PythonPeer peer = new PythonPeer(python, script, logs);
    try {
      peer.run(Duration.ofSeconds(30), "versions");
      return Optional.of(peer);
    } catch (RuntimeException e) {
      System.err.println("Python peers skipped: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The Python interpreter the peers run on. */
  public String executable() {
    return python;
  }

  /** The versions of Python and Pillow (null without Pillow). */
  public JsonNode versions() {
    return run(Duration.ofSeconds(30), "versions");
  }

  /**
   * Runs one cold measurement: a fresh interpreter whose pool does the work first thing, unwarmed
   * ({@code --cold}). Besides the script's own figures, the object holds {@code with_startup}: the
   * seconds from starting the interpreter to the end of the work, the start of Python and its pool
   * included.
   */
  public JsonNode runCold(Duration timeout, String... args) {
    List<String> cold = new ArrayList<>(List.of(args));
    cold.add("--cold");
    long spawned = System.currentTimeMillis();
    JsonNode result = run(timeout, cold.toArray(String[]::new));
    double endedAt = result.path("ended_at").asDouble(Double.NaN);
    if (Double.isNaN(endedAt)) {
      throw new IllegalStateException(
          "peer.py " + String.join(" ", cold) + " printed no ended_at: " + result);
    }
    ((com.fasterxml.jackson.databind.node.ObjectNode) result)
        .put("with_startup", endedAt - spawned / 1000.0);
    return result;
  }

  /**
   * Runs one measurement, such as {@code map --n 1000000 --workers 2}, and returns the JSON object
   * the script printed last.
   *
   * @throws IllegalStateException when the script fails or prints no result
   */
  public JsonNode run(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of(python, script.toString()));
    command.addAll(List.of(args));
    try {
      Files.createDirectories(logs);
      Path err = logs.resolve("python-" + args[0] + ".log");
      Path out = logs.resolve("python-" + args[0] + ".out");
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " took longer than " + timeout.toSeconds() + " s");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8).strip();
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited with " + process.exitValue() + "; see " + err);
      }
      String last = text.substring(text.lastIndexOf('\n') + 1);
      return JSON.readTree(last);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + python + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + python, e);
    }
  }
}
