package cohort.coordinator.journal;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.coordinator.job.JobSpec;
import cohort.coordinator.journal.JobRecordEvent.Accepted;
import cohort.coordinator.journal.JobRecordEvent.Cancelled;
import cohort.coordinator.journal.JobRecordEvent.Ended;
import cohort.coordinator.journal.JobRecordEvent.ResultsSynced;
import cohort.protocol.TaskSpec;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of a job's journal, without actors or a database. */
class JobRecordStateTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Accepted ACCEPTED =
      new Accepted("a-1", JobSpec.of(new TaskSpec("echo", Map.of())), JobInputs.list(5), T0);

  /** Tests that a job's events build its state in order: marks, cancellation, end. */
  @Test
  void eventsBuildTheState() {
    JobRecordState state =
        JobRecordState.EMPTY
            .apply(ACCEPTED)
            .apply(new ResultsSynced(3, 300))
            .apply(new Cancelled("cancelled on request"))
            .apply(new Ended("CANCELLED", "cancelled on request", T0, 4, 410));
    assertThat(state.known()).isTrue();
    assertThat(state.results()).isEqualTo(4);
    assertThat(state.bytes()).isEqualTo(410);
    assertThat(state.cancelled()).isEqualTo("cancelled on request");
    assertThat(state.ended().phase()).isEqualTo("CANCELLED");
  }

  /** Tests what cannot follow: before acceptance, a second acceptance, a shrinking log, an end. */
  @Test
  void refusesWhatCannotFollow() {
    assertThat(JobRecordState.EMPTY.refusal(new Cancelled("x")))
        .contains("the job's acceptance is not journaled");
    assertThat(JobRecordState.EMPTY.refusal(ACCEPTED)).isEmpty();
    JobRecordState running = JobRecordState.EMPTY.apply(ACCEPTED).apply(new ResultsSynced(3, 300));
    assertThat(running.refusal(ACCEPTED)).contains("job a-1 is journaled already");
    assertThat(running.refusal(new ResultsSynced(3, 299)))
        .contains("job a-1: the result log cannot shrink from 3 results in 300 bytes to 3 in 299");
    assertThat(running.refusal(new Ended("SUCCEEDED", "", T0, 2, 300))).isPresent();
    assertThat(running.refusal(new ResultsSynced(3, 300))).isEmpty();
    JobRecordState ended = running.apply(new Ended("SUCCEEDED", "", T0, 5, 500));
    assertThat(ended.refusal(new Cancelled("late"))).contains("job a-1 has ended");
  }

  /** Tests that the inputs' bounds are checked. */
  @Test
  void inputsAreChecked() {
    assertThat(JobInputs.split(0, 100, 8).parts()).isEqualTo(8);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobInputs.range(5, 1))
        .hasMessage("inputs out of range: RANGE 5..1, 0 parts, 0 inputs");
  }
}
