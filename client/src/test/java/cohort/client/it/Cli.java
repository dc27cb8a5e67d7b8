package cohort.client.it;

import cohort.client.local.JvmProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code cohort} command line in a child JVM, as a user would, and captures it. */
final class Cli {

  /** What a run printed and how it ended. */
  record Run(int exitCode, List<String> stdout, String stderr) {
    String lastLine() {
      return stdout.isEmpty() ? null : stdout.get(stdout.size() - 1);
    }
  }

  private Cli() {}

  static Run run(String... args) {
    try {
      Path out = Files.createTempFile("cohort-cli", ".out");
      Path err = Files.createTempFile("cohort-cli", ".err");
      List<String> command = new ArrayList<>();
      command.add(JvmProcess.javaCommand());
      command.addAll(JvmProcess.STANDARD_JVM_FLAGS);
      command.add("-cp");
      command.add(Children.classPath());
      command.add(JvmProcess.MAIN_CLASS);
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().remove("COHORT_COORDINATOR");
      builder.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process process = builder.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("cohort " + String.join(" ", args) + " did not end within 120 s");
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
