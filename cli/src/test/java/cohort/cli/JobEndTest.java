package cohort.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobStatus;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What submit prints once its job has ended: the combined value only when it is the answer. */
class JobEndTest {

  private record Printed(String out, String err) {}

  private static JobStatus job(JobStatus.State state, long succeeded, long failed, long combined) {
    return new JobStatus(
        "j-1",
        "sleep",
        state,
        true,
        "sum",
        succeeded + failed,
        succeeded,
        failed,
        0,
        0,
        0,
        LongNode.valueOf(combined),
        null,
        "2026-12-01T00:00:00Z",
        1500,
        null,
        false,
        null,
        null);
  }

  private static Printed print(JobStatus end) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    JobEnd.print(end, new PrintWriter(out), new PrintWriter(err));
    return new Printed(out.toString(), err.toString());
  }

  /** Tests that a job whose every input succeeded prints its combined value on stdout. */
  @Test
  void aSucceededJobPrintsItsCombinedValue() {
    Printed printed = print(job(JobStatus.State.SUCCEEDED, 3, 0, 12));
    assertThat(printed.out()).isEqualTo("12\n");
    assertThat(printed.err())
        .isEqualTo("job j-1 SUCCEEDED: 3 succeeded, 0 failed of 3 inputs in 1.500 s\n");
  }

  /**
   * Tests that a failed job prints no value on stdout, and its partial value, marked, on stderr.
   */
  @Test
  void aFailedJobPrintsItsValueAsPartial() {
    Printed printed = print(job(JobStatus.State.FAILED, 3, 2, 12));
    assertThat(printed.out()).isEmpty();
    assertThat(printed.err())
        .isEqualTo(
            "cohort: no combined value, as 2 of 5 inputs failed; partial sum of the 3 that"
                + " succeeded: 12\n"
                + "job j-1 FAILED: 3 succeeded, 2 failed of 5 inputs in 1.500 s\n");
  }

  /** Tests that a job whose every input failed shows no value at all, not a 0. */
  @Test
  void aJobWhoseEveryInputFailedShowsNoValue() {
    Printed printed = print(job(JobStatus.State.FAILED, 0, 4, 0));
    assertThat(printed.out()).isEmpty();
    assertThat(printed.err())
        .startsWith("cohort: no combined value, as 4 of 4 inputs failed\n")
        .doesNotContain("partial");
  }

  /** Tests that a cancelled job's value is partial too. */
  @Test
  void aCancelledJobPrintsItsValueAsPartial() {
    Printed printed = print(job(JobStatus.State.CANCELLED, 2, 0, 7));
    assertThat(printed.out()).isEmpty();
    assertThat(printed.err())
        .startsWith(
            "cohort: no combined value, as the job was cancelled; partial sum of the 2 that"
                + " succeeded: 7\n");
  }
}
