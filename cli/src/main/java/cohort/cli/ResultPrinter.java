package cohort.cli;

import cohort.api.Result;
import cohort.api.TaskError;
import cohort.client.JobApi;
import cohort.client.Reconnecting;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads an attached {@code cohort submit}'s results and prints each as {@code --output} asks: the
 * whole result line, or the output alone. Results that print no line ({@code -q}, or {@code
 * --output value}) travel in the coordinator's compact frames rather than as JSON lines.
 */
final class ResultPrinter {

  /** What {@code --output} prints of each result. */
  enum Format {
    /** The result line: index, input, and output or error (the default). */
    LINE,
    /** The output alone, as JSON, one per line; failed inputs are reported on stderr. */
    VALUE;

    /** The format {@code --output} names, or a plain error saying which there are. */
    static Format parse(String name) {
      for (Format format : values()) {
        if (format.name().equalsIgnoreCase(name.strip())) {
          return format;
        }
      }
      throw new IllegalArgumentException(
          "--output takes 'line' (each result as a JSON line: index, input, output or error) or"
              + " 'value' (each output alone), not '"
              + name
              + "'");
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Format format;
  private final boolean quiet;
  private final FileJob fileJob;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Duration reconnect;

  /**
   * @param reconnect how long to keep trying to reach a coordinator that went away while printing
   */
  ResultPrinter(
      Format format,
      boolean quiet,
      FileJob fileJob,
      PrintWriter out,
      PrintWriter err,
      Duration reconnect) {
    this.format = format;
    this.quiet = quiet;
    this.fileJob = fileJob;
    this.out = out;
    this.err = err;
    this.reconnect = reconnect;
  }

  /** How long to keep trying to reach a coordinator that went away. */
  Duration reconnectTimeout() {
    return reconnect;
  }

  /** Says on stderr that the coordinator went away, and that printing goes on when it is back. */
  private Reconnecting.Listener listener(String job) {
    return new Reconnecting.Listener() {
      @Override
      public void lost(String reason, long delivered) {
        out.flush();
        err.println(
            "cohort: "
                + reason
                + "; trying again for up to "
                + reconnect.toSeconds()
                + " s (job "
                + job
                + " goes on where it stopped if the coordinator comes back)");
        err.flush();
      }

      @Override
      public void back(long delivered) {
        err.println("cohort: the coordinator is back; results go on from result " + delivered);
        err.flush();
      }
    };
  }

  /**
   * Prints the job's results until it ends, calling {@code step} after each. Files that outputs
   * carry are written under {@code --out}; only printed result lines are read as JSON lines.
   */
  void print(JobApi client, String job, Runnable step) {
    if (fileJob != null && format == Format.LINE && !quiet) {
      // Outputs that carry files are handled as lines: the file is written, its path shown.
      try (Stream<String> lines = Reconnecting.lines(client, job, reconnect, listener(job))) {
        lines.forEach(
            line -> {
              out.println(fileJob.handle(line));
              step.run();
            });
      }
      return;
    }
    if (format == Format.LINE && !quiet) {
      try (Stream<String> lines = Reconnecting.lines(client, job, reconnect, listener(job))) {
        lines.forEach(
            line -> {
              out.println(line);
              step.run();
            });
      }
      return;
    }
    try (Stream<Result> results = Reconnecting.results(client, job, reconnect, listener(job))) {
      results.forEach(
          result -> {
            Result handled = fileJob == null ? result : fileJob.handle(result);
            if (!quiet) {
              printValue(handled);
            }
            step.run();
          });
    }
  }

  /** The output as one line of JSON; a failed input's error as one line on stderr. */
  void printValue(Result result) {
    if (result.succeeded()) {
      out.println(result.output() == null ? "null" : result.output().toString());
      return;
    }
    err.println(failure(result.index(), result.error()));
  }

  /** The line that says an input failed: {@code cohort: input 3 failed: why}. */
  static String failure(long index, TaskError error) {
    String attempts = error.attempts() > 1 ? " (after " + error.attempts() + " attempts)" : "";
    return "cohort: input " + index + " failed" + attempts + ": " + error.message();
  }
}
