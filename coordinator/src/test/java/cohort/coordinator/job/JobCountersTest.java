package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.TaskError;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Cancelled;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.coordinator.job.JobEvent.NodeLost;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import cohort.protocol.CounterDeltas;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The counting rule of job counters: an input counts the additions of the attempt whose result the
 * job delivered, once; retried, lost and duplicate attempts add nothing.
 */
class JobCountersTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static JobState accepted(long total, boolean ordered, int retries) {
    JobSpec spec =
        new JobSpec(new TaskSpec("echo", Map.of()), ordered, null, 0, retries, 3, Duration.ZERO);
    return JobState.accepted("j-1", spec, total, 1000, T0);
  }

  private static List<JsonNode> longs(long from, long to) {
    return LongStream.range(from, to).mapToObj(i -> (JsonNode) LongNode.valueOf(i)).toList();
  }

  private static Batch fresh(JobState state, int size) {
    long from = state.nextFresh();
    return Batch.fresh(state.nextBatchId(), from, longs(from, from + size));
  }

  private static JobState dispatch(JobState state, Batch batch, String node) {
    return state.updated(new Dispatched(batch, node, node + ":1"), T0).state();
  }

  /** Every input of offsets [from, to) added 1 to "seen" and its input's value to "sum". */
  private static CounterDeltas seenAndSum(Batch batch, int from, int to, int... except) {
    CounterDeltas.Builder deltas = new CounterDeltas.Builder();
    for (int offset = from; offset < to; offset++) {
      final int at = offset;
      if (java.util.Arrays.stream(except).anyMatch(skip -> skip == at)) {
        continue;
      }
      deltas.add(offset, Map.of("seen", 1L, "sum", batch.inputs().get(offset).longValue()));
    }
    return deltas.build();
  }

  /** The whole batch succeeded, every input counted. */
  private static BatchCompleted allDone(Batch batch) {
    return new BatchCompleted(
        batch.id(), 0, batch.inputs(), List.of(), true, 10, seenAndSum(batch, 0, batch.size()));
  }

  /** The whole batch ran, the input at {@code failed} threw after it counted. */
  private static BatchCompleted oneFailed(Batch batch, int failed) {
    List<JsonNode> outputs = new ArrayList<>();
    batch.inputs().forEach(outputs::add);
    outputs.set(failed, NullNode.getInstance());
    TaskError boom = new TaskError("java.lang.IllegalStateException", "boom", "n1", 1, null);
    return new BatchCompleted(
        batch.id(),
        0,
        Values.of(outputs),
        List.of(new InputFailure(failed, FailureKind.TASK, boom)),
        true,
        10,
        seenAndSum(batch, 0, batch.size()));
  }

  private static Map<String, Long> counters(JobState state) {
    return state.counters().asMap();
  }

  /** Tests that accepted results add their counters and a duplicate report adds nothing. */
  @Test
  void acceptedResultsCountOnceAndDuplicatesNot() {
    JobState state = accepted(4, false, 0);
    Batch a = fresh(state, 4);
    state = dispatch(state, a, "n1");
    assertThat(state.counters().isEmpty()).isTrue();
    state = state.updated(allDone(a), T0).state();
    assertThat(counters(state)).containsExactly(Map.entry("seen", 4L), Map.entry("sum", 6L));
    state = state.updated(allDone(a), T0).state();
    assertThat(counters(state)).containsExactly(Map.entry("seen", 4L), Map.entry("sum", 6L));
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
  }

  /** Tests that a failed attempt that runs again adds nothing; its retry's attempt counts. */
  @Test
  void retriedAttemptIsNotCounted() {
    JobState state = accepted(3, false, 1);
    Batch a = fresh(state, 3);
    state = dispatch(state, a, "n1");
    state = state.updated(oneFailed(a, 1), T0).state();
    // Inputs 0 and 2 delivered; input 1's first attempt counted but runs again: not counted.
    assertThat(counters(state)).containsExactly(Map.entry("seen", 2L), Map.entry("sum", 2L));
    Batch retry = state.ready().get(0);
    assertThat(retry.attempt()).isEqualTo(2);
    state = dispatch(state, retry, "n2");
    state = state.updated(allDone(retry), T0).state();
    assertThat(counters(state)).containsExactly(Map.entry("seen", 3L), Map.entry("sum", 3L));
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
  }

  /** Tests that an input's final error counts what its delivered attempt added. */
  @Test
  void finalErrorCounts() {
    JobState state = accepted(3, false, 0);
    Batch a = fresh(state, 3);
    state = dispatch(state, a, "n1");
    state = state.updated(oneFailed(a, 2), T0).state();
    assertThat(state.phase()).isEqualTo(Phase.FAILED);
    assertThat(counters(state)).containsExactly(Map.entry("seen", 3L), Map.entry("sum", 3L));
  }

  /**
   * Tests that of a batch whose node was lost, the part delivered before counts and the rest counts
   * once when it runs again.
   */
  @Test
  void lostNodeCountsEachInputOnce() {
    JobState state = accepted(4, false, 0);
    Batch a = fresh(state, 4);
    state = dispatch(state, a, "n1");
    state =
        state
            .updated(
                new BatchCompleted(
                    a.id(), 0, Values.of(longs(0, 2)), List.of(), false, 10, seenAndSum(a, 0, 2)),
                T0)
            .state();
    assertThat(counters(state)).containsEntry("seen", 2L);
    state = state.updated(new NodeLost("n1", "killed", Set.of(a.id())), T0).state();
    assertThat(counters(state)).containsEntry("seen", 2L);
    // A late report of the rest from the lost node is a result the job no longer takes.
    state =
        state
            .updated(
                new BatchCompleted(
                    a.id(), 2, Values.of(longs(2, 4)), List.of(), true, 10, seenAndSum(a, 2, 4)),
                T0)
            .state();
    assertThat(counters(state)).containsEntry("seen", 2L);
    while (!state.ready().isEmpty()) {
      Batch again = state.ready().get(0);
      state = dispatch(state, again, "n2");
      state = state.updated(allDone(again), T0).state();
    }
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
    assertThat(counters(state)).containsExactly(Map.entry("seen", 4L), Map.entry("sum", 6L));
  }

  /**
   * Tests that an ordered job counts results when it releases them, as the result log keeps them,
   * and that a cancel counts the results it releases.
   */
  @Test
  void orderedJobCountsOnRelease() {
    JobState state = accepted(4, true, 0);
    Batch a = fresh(state, 2);
    state = dispatch(state, a, "n1");
    Batch b = fresh(state, 2);
    state = dispatch(state, b, "n2");
    state = state.updated(allDone(b), T0).state();
    assertThat(state.counters().isEmpty()).isTrue();
    JobState cancelled = state.updated(new Cancelled("stop"), T0).state();
    assertThat(counters(cancelled)).containsExactly(Map.entry("seen", 2L), Map.entry("sum", 5L));
    state = state.updated(allDone(a), T0).state();
    assertThat(counters(state)).containsExactly(Map.entry("seen", 4L), Map.entry("sum", 6L));
  }

  /** Tests that inputs that touched no counter keep the common path free of counters. */
  @Test
  void noCountersWithoutAdditions() {
    JobState state = accepted(2, false, 0);
    Batch a = fresh(state, 2);
    state = dispatch(state, a, "n1");
    state =
        state.updated(new BatchCompleted(a.id(), 0, a.inputs(), List.of(), true, 10), T0).state();
    assertThat(state.counters()).isSameAs(Counters.NONE);
  }

  /** Tests that a total that would pass the range of a long stays at its limit. */
  @Test
  void totalsSaturate() {
    Counters high = Counters.of(Map.of("n", Long.MAX_VALUE - 1));
    assertThat(high.plus(Counters.of(Map.of("n", 5L))).asMap()).containsEntry("n", Long.MAX_VALUE);
    Counters low = Counters.of(Map.of("n", Long.MIN_VALUE + 1));
    assertThat(low.plus(Counters.of(Map.of("n", -5L))).asMap()).containsEntry("n", Long.MIN_VALUE);
    assertThat(high.plus(Counters.of(Map.of("n", -1L))).asMap())
        .containsEntry("n", Long.MAX_VALUE - 2);
  }

  /** Tests that a range of a batch's deltas sums only the entries of its inputs. */
  @Test
  void deltasByRange() {
    CounterDeltas.Builder deltas = new CounterDeltas.Builder();
    deltas.add(0, Map.of("a", 1L));
    deltas.add(2, Map.of("a", 2L, "b", 7L));
    deltas.add(5, Map.of("b", 3L));
    CounterDeltas built = deltas.build();
    assertThat(Counters.of(built, 0, 6).asMap())
        .containsExactly(Map.entry("a", 3L), Map.entry("b", 10L));
    assertThat(Counters.of(built, 1, 5).asMap())
        .containsExactly(Map.entry("a", 2L), Map.entry("b", 7L));
    assertThat(Counters.of(built, 3, 5).isEmpty()).isTrue();
    assertThat(Counters.of(null, 0, 6)).isSameAs(Counters.NONE);
    assertThat(deltas.build()).isNull();
  }

  /**
   * Tests that a job recovered after a restart starts from the counters its log kept and counts the
   * inputs it runs again once, on top of them.
   */
  @Test
  void recoveredJobGoesOnFromItsKeptCounters() {
    DoneInputs done = new DoneInputs();
    done.add(0, 2);
    Tally kept = new Tally(2, 0, null, null, Counters.of(Map.of("seen", 2L, "sum", 1L)));
    JobSpec spec = new JobSpec(new TaskSpec("echo", Map.of()), false, null, 0, 0, 3, Duration.ZERO);
    JobState state =
        JobState.recovered(
            "r-1", spec, 4, 1000, T0, done, kept, InputSource.range(0, 4), 1L << 40, 16, T0, false);
    assertThat(counters(state)).containsExactly(Map.entry("seen", 2L), Map.entry("sum", 1L));
    Batch rest = fresh(state, 2);
    state = dispatch(state, rest, "n1");
    state = state.updated(allDone(rest), T0).state();
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
    assertThat(counters(state)).containsExactly(Map.entry("seen", 4L), Map.entry("sum", 6L));
  }
}
