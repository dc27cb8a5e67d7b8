package cohort.node.tasks.exec;

import cohort.protocol.Payloads;
import cohort.task.Task;
import cohort.task.TaskContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs a command once per input: {@code subprocess} across the cluster, GNU parallel over machines.
 * The input fills the command's replacement strings; the result holds the exit code, stdout and
 * stderr (capped) and the duration. A timeout or a cancel stops the whole process tree.
 *
 * <p>Nodes offer this task only when started with {@code --allow-exec}.
 */
public final class ExecTask implements Task<JsonNode, ExecParams, ExecResult> {

  /** How long a command may take to stop after SIGTERM before it gets SIGKILL. */
  static final Duration TERM_GRACE = Duration.ofMillis(300);

  private static final int STDERR_TAIL = 2000;

  @Override
  public String name() {
    return "exec";
  }

  @Override
  public String description() {
    return "runs a command per input, {} replaced by the input: cohort submit exec INPUT... -- CMD"
        + " ARG...";
  }

  @Override
  public Class<JsonNode> inputType() {
    return JsonNode.class;
  }

  @Override
  public Class<ExecParams> paramsType() {
    return ExecParams.class;
  }

  @Override
  public boolean needsAllowExec() {
    return true;
  }

  @Override
  public void validate(ExecParams params) {
    params.requireValid();
  }

  @Override
  public ExecResult run(JsonNode input, ExecParams params, TaskContext context) throws Exception {
    String value = input.isTextual() ? input.textValue() : input.toString();
    List<String> argv = CommandTemplate.render(params.command(), value, params.shell());
    Path stdout = Files.createTempFile("cohort-exec-", ".out");
    Path stderr = Files.createTempFile("cohort-exec-", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(argv);
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.redirectOutput(stdout.toFile());
      builder.redirectError(stderr.toFile());
      long start = System.nanoTime();
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new IOException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
      }
      int exit;
      try {
        exit = process.waitFor();
      } catch (InterruptedException e) {
        ProcessTree.kill(process, TERM_GRACE);
        throw e;
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      Captured out = capture(stdout, params.maxOutput());
      Captured err = capture(stderr, params.maxOutput());
      if (params.check() && exit != 0) {
        throw new CommandFailedException(exit, tail(stderr));
      }
      return new ExecResult(exit, out.text, err.text, out.truncated, err.truncated, millis);
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  private record Captured(String text, boolean truncated) {}

  private static Captured capture(Path file, int max) throws IOException {
    long size = Files.size(file);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(max);
      String text = new String(bytes, StandardCharsets.UTF_8);
      boolean truncated = size > max;
      // Bytes that are not UTF-8 become 3-byte replacement characters: cut the text back so the
      // result still fits in a cluster message.
      long length;
      while ((length = Payloads.utf8Length(text)) > max) {
        int end = Math.max(0, text.length() - Math.max(1, (int) ((length - max) / 3)));
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
          end--; // never half of a pair: it could not be encoded
        }
        text = text.substring(0, end);
        truncated = true;
      }
      return new Captured(text, truncated);
    }
  }

  private static String tail(Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(Math.max(0, size - STDERR_TAIL));
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  /** A command checked with {@code check=true} exited non-zero. */
  public static final class CommandFailedException extends Exception {
    CommandFailedException(int exit, String stderrTail) {
      super(
          "the command exited with code " + exit + (stderrTail.isEmpty() ? "" : ": " + stderrTail));
    }
  }
}
