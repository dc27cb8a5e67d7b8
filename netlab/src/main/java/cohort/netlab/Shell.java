package cohort.netlab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the system commands the lab is made of ({@code ip}, {@code kill}), each to its end. */
public final class Shell {

  private Shell() {}

  /** What a command printed and how it ended. */
  record Outcome(int code, String out, String err) {
    boolean ok() {
      return code == 0;
    }
  }

  /** Runs a command and returns its outcome, whatever its exit code. */
  static Outcome run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      // Small outputs: read both to the end before waiting, so neither pipe fills.
      byte[] out = process.getInputStream().readAllBytes();
      byte[] err = process.getErrorStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Outcome(-1, "", String.join(" ", command) + " did not end within 30 s");
      }
      return new Outcome(
          process.exitValue(),
          new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Outcome(-1, "", "cannot run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(-1, "", "interrupted while running " + String.join(" ", command));
    }
  }

  /**
   * Runs a command that must succeed.
   *
   * @return its standard output
   * @throws IllegalStateException naming the command and what it printed, when it fails
   */
  static String must(String... command) {
    Outcome outcome = run(List.of(command));
    if (!outcome.ok()) {
      throw new IllegalStateException(
          "the lab could not run '"
              + String.join(" ", command)
              + "' (exit "
              + outcome.code()
              + "): "
              + outcome.err().strip());
    }
    return outcome.out();
  }

  /** Sends a signal ({@code KILL}, {@code STOP}, {@code CONT}, {@code TERM}) to a process. */
  public static void signal(long pid, String signal) {
    run(List.of("kill", "-" + signal, Long.toString(pid)));
  }
}
