package cohort.cli;

import cohort.api.JobStatus;
import java.io.PrintWriter;

/**
 * What {@code cohort submit} prints when its job has ended: the combined value, alone on the last
 * line of stdout, only when every input succeeded, since a script takes that line as the answer;
 * for a job that failed or was cancelled, a line on stderr that says so and shows the value of the
 * inputs that succeeded, marked partial. Then the summary line on stderr, and the job's counters on
 * the next line when its tasks used any.
 */
final class JobEnd {

  private JobEnd() {}

  /** Prints the combined value (or why there is none) and the summary. */
  static void print(JobStatus end, PrintWriter out, PrintWriter err) {
    if (end.combine() != null) {
      if (end.combineError() != null) {
        err.println(
            "cohort: the outputs could not be combined with "
                + end.combine()
                + ": "
                + end.combineError());
      } else if (end.state() == JobStatus.State.SUCCEEDED) {
        out.println(combined(end));
      } else {
        err.println(noCombinedValue(end));
      }
    }
    out.flush();
    err.println(summary(end));
    if (!end.counters().isEmpty()) {
      err.println(counters(end));
    }
    err.flush();
  }

  /** The job's counters on one line, in name order: {@code counters: read=10, skipped=3}. */
  static String counters(JobStatus end) {
    StringBuilder line = new StringBuilder("counters:");
    String separator = " ";
    for (java.util.Map.Entry<String, Long> counter : end.counters().entrySet()) {
      line.append(separator).append(counter.getKey()).append('=').append(counter.getValue());
      separator = ", ";
    }
    return line.toString();
  }

  /**
   * Why a job that did not succeed has no combined value, with the partial value of the inputs that
   * succeeded, such as {@code cohort: no combined value, as 2 of 5 inputs failed; partial sum of
   * the 3 that succeeded: 12}.
   */
  static String noCombinedValue(JobStatus end) {
    String why =
        end.state() == JobStatus.State.CANCELLED
            ? "the job was cancelled"
            : end.failed() + " of " + end.total() + " inputs failed";
    String line = "cohort: no combined value, as " + why;
    if (end.succeeded() == 0) {
      return line;
    }
    return line
        + "; partial "
        + end.combine()
        + " of the "
        + end.succeeded()
        + " that succeeded: "
        + combined(end);
  }

  private static String combined(JobStatus end) {
    return end.combined() == null ? "null" : end.combined().toString();
  }

  /** The summary line: {@code job ID STATE: N succeeded, M failed of T inputs in S s}. */
  static String summary(JobStatus status) {
    return String.format(
        "job %s %s: %d succeeded, %d failed of %d inputs in %.3f s",
        status.id(),
        status.state(),
        status.succeeded(),
        status.failed(),
        status.total(),
        status.elapsedMillis() / 1000.0);
  }
}
