package cohort.netlab.chaos;

import cohort.cli.local.JvmProcess;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job whose inputs a user streams into {@code cohort submit sleep --input-file -} on its standard
 * input, as with {@code seq 1 1000 | cohort submit ...}: the command runs in its own JVM on this
 * machine, a client on the lab's network.
 */
final class StreamedJob implements AutoCloseable {

  private static final Pattern ACCEPTED =
      Pattern.compile("^cohort: job (\\S+) accepted$", Pattern.MULTILINE);

  private final Process process;
  private final Path err;
  private final Expected expected;

  private StreamedJob(Process process, Path err, Expected expected) {
    this.process = process;
    this.err = err;
    this.expected = expected;
  }

  /** Starts the command with 500 to 2,500 sleeps of 0 to 4 ms on its stdin, summed. */
  static StreamedJob start(Random random, String jar, Map<String, String> env, Path dir)
      throws IOException {
    List<JsonNode> inputs = Workload.numbers(random, 500 + random.nextInt(2000), 0, 5);
    List<String> lines = new ArrayList<>();
    inputs.forEach(input -> lines.add(input.asText()));
    Path in = Files.createTempFile(dir, "stream-", ".in");
    Files.write(in, lines, StandardCharsets.UTF_8);
    Path err = Files.createTempFile(dir, "stream-", ".err");
    List<String> command = new ArrayList<>();
    command.add(JvmProcess.javaCommand());
    command.addAll(JvmProcess.STANDARD_JVM_FLAGS);
    command.addAll(List.of("-Xmx128m", "-cp", jar, JvmProcess.MAIN_CLASS));
    command.addAll(
        List.of("submit", "sleep", "--input-file", "-", "--unordered", "--combine", "sum"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.redirectInput(in.toFile());
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.redirectError(err.toFile());
    return new StreamedJob(
        builder.start(), err, new Expected(inputs, Optional.of(Workload.sum(inputs))));
  }

  /** The job's id once the command says it was accepted; empty if it ended or timed out first. */
  Optional<String> awaitId(long deadlineNanos) throws IOException {
    while (System.nanoTime() < deadlineNanos) {
      Matcher accepted = ACCEPTED.matcher(Files.readString(err, StandardCharsets.UTF_8));
      if (accepted.find()) {
        return Optional.of(accepted.group(1));
      }
      if (!process.isAlive()) {
        return Optional.empty();
      }
      Pause.millis(100);
    }
    return Optional.empty();
  }

  Expected expected() {
    return expected;
  }

  /** What the command wrote on stderr, for a report of a job that went wrong. */
  String stderr() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  /** The command's exit code, once it ended (given a minute after its job ended). */
  Optional<Integer> exitCode() throws InterruptedException {
    return process.waitFor(60, TimeUnit.SECONDS)
        ? Optional.of(process.exitValue())
        : Optional.empty();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
