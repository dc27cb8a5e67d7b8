package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import cohort.api.Result;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A job's state rebuilt after a coordinator restart from what its result log holds: it sends only
 * what has no result, and ends with every input's result once, the combined value exact.
 */
class JobStateRecoveredTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Combiner SUM = Combiner.parse("sum");

  private static JobSpec spec(boolean ordered) {
    return new JobSpec(new TaskSpec("echo", Map.of()), ordered, SUM, 0, 0, 3, Duration.ZERO);
  }

  /** The tally of results whose outputs equal their indexes, for the given done runs. */
  private static Tally tally(long[]... runs) {
    Tally tally = Tally.NONE;
    for (long[] run : runs) {
      for (long i = run[0]; i < run[1]; i++) {
        tally = tally.plus(Result.ok(i, LongNode.valueOf(i), LongNode.valueOf(i)), SUM);
      }
    }
    return tally;
  }

  private static DoneInputs done(long[]... runs) {
    DoneInputs done = new DoneInputs();
    for (long[] run : runs) {
      done.add(run[0], run[1] - run[0]);
    }
    return done;
  }

  /** Completes a batch with outputs equal to its inputs; returns the released indexes. */
  private static JobState.Transition complete(JobState state, Batch batch) {
    JobState sent = state.updated(new Dispatched(batch, "n1", "n1:1"), T0).state();
    List<JsonNode> outputs = new ArrayList<>();
    batch.inputs().forEach(outputs::add);
    return sent.updated(
        new BatchCompleted(batch.id(), 0, Values.of(outputs), List.of(), true, 1000), T0);
  }

  private static List<Long> indexes(JobState.Transition step) {
    List<Long> indexes = new ArrayList<>();
    step.released().forEach(block -> block.results().forEach(r -> indexes.add(r.index())));
    return indexes;
  }

  /**
   * Tests that an ordered job whose log holds inputs 0 to 3 sends from input 4 on, releases from 4
   * in order, and ends with the exact sum of all ten.
   */
  @Test
  void anOrderedJobGoesOnAfterItsPrefix() {
    JobState state =
        JobState.recovered(
            "a-1",
            spec(true),
            10,
            1000,
            T0,
            done(new long[] {0, 4}),
            tally(new long[] {0, 4}),
            InputSource.range(0, 10),
            1L << 40,
            4096,
            T0,
            false);
    assertThat(state.phase()).isEqualTo(Phase.RUNNING);
    assertThat(state.delivered()).isEqualTo(4);
    assertThat(state.nextFresh()).isEqualTo(4);
    assertThat(state.ready()).isEmpty();
    assertThat(state.nextBatchId()).isEqualTo(1L << 40);
    assertThat(state.batchesMade()).isZero();

    Batch rest =
        new Batch(1L << 40, 4, InputSource.range(0, 10).slice(4, 6), 1, 0, 0, Set.of(), null);
    JobState.Transition step = complete(state, rest);

    assertThat(indexes(step)).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(step.state().phase()).isEqualTo(Phase.SUCCEEDED);
    assertThat(step.state().combined().longValue()).isEqualTo(45);
  }

  /**
   * Tests that an unordered job's gaps (work in flight at the crash) run first, in batches of at
   * most the largest batch, with new ids, and that the job then sends its fresh inputs.
   */
  @Test
  void anUnorderedJobRunsItsGapsFirst() {
    JobState state =
        JobState.recovered(
            "u-1",
            spec(false),
            12,
            1000,
            T0,
            done(new long[] {0, 3}, new long[] {6, 8}),
            tally(new long[] {0, 3}, new long[] {6, 8}),
            InputSource.range(0, 12),
            500,
            2,
            T0,
            false);
    assertThat(state.ready())
        .extracting(Batch::id, Batch::firstIndex, Batch::size)
        .containsExactly(tuple(500L, 3L, 2), tuple(501L, 5L, 1));
    assertThat(state.nextFresh()).isEqualTo(8);
    assertThat(state.nextBatchId()).isEqualTo(502);
    assertThat(state.batchesMade()).isEqualTo(2); // counted from the restart, for the end's log
    assertThat(state.admissible()).isEqualTo(4);

    JobState.Transition first = complete(state, state.ready().get(0));
    JobState.Transition second = complete(first.state(), state.ready().get(1));
    Batch fresh = new Batch(502, 8, InputSource.range(0, 12).slice(8, 4), 1, 0, 0, Set.of(), null);
    JobState.Transition last = complete(second.state(), fresh);

    List<Long> released = new ArrayList<>(indexes(first));
    released.addAll(indexes(second));
    released.addAll(indexes(last));
    assertThat(released).containsExactly(3L, 4L, 5L, 8L, 9L, 10L, 11L);
    assertThat(last.state().phase()).isEqualTo(Phase.SUCCEEDED);
    assertThat(last.state().delivered()).isEqualTo(12);
    assertThat(last.state().combined().longValue()).isEqualTo(66);
  }

  /** Tests that a job whose log holds every result ends as it is recovered. */
  @Test
  void aJobWithEveryResultEndsAtOnce() {
    JobState state =
        JobState.recovered(
            "d-1",
            spec(true),
            3,
            1000,
            T0,
            done(new long[] {0, 3}),
            tally(new long[] {0, 3}),
            InputSource.range(0, 3),
            0,
            4096,
            T0,
            false);
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
    assertThat(state.combined().longValue()).isEqualTo(3);
  }

  /** Tests that a log that does not fit its job is refused, saying how. */
  @Test
  void aLogThatDoesNotFitIsRefused() {
    assertThatThrownBy(
            () ->
                JobState.recovered(
                    "o-1",
                    spec(true),
                    10,
                    1000,
                    T0,
                    done(new long[] {0, 2}, new long[] {5, 6}),
                    tally(new long[] {0, 2}, new long[] {5, 6}),
                    InputSource.range(0, 10),
                    0,
                    4096,
                    T0,
                    false))
        .hasMessage("job o-1 is ordered, but its log has gaps: 1 runs");
    assertThatThrownBy(
            () ->
                JobState.recovered(
                    "o-2",
                    spec(false),
                    4,
                    1000,
                    T0,
                    done(new long[] {0, 6}),
                    tally(new long[] {0, 6}),
                    InputSource.range(0, 4),
                    0,
                    4096,
                    T0,
                    false))
        .hasMessage("job o-2: its log holds results up to input 6 (6 counted) for 4 inputs");
  }
}
