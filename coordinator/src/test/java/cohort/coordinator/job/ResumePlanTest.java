package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.Result;
import cohort.api.TaskError;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.protocol.TaskSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ResumePlanTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static JobSpec spec(String task, boolean ordered) {
    return new JobSpec(
        new TaskSpec(task, Map.of("n", IntNode.valueOf(1))), ordered, null, 0, 0, 3, Duration.ZERO);
  }

  private static Result ok(long index) {
    return Result.ok(index, LongNode.valueOf(index), LongNode.valueOf(index));
  }

  private static Result failed(long index) {
    return Result.failed(
        index, LongNode.valueOf(index), new TaskError("cohort.Quarantined", "no", "n", 3, null));
  }

  private static List<JsonNode> longs(int count) {
    List<JsonNode> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(LongNode.valueOf(i));
    }
    return values;
  }

  /** A finished job of 10 inputs, cancelled after some results. */
  private static JobState ended(String task) {
    JobState state = JobState.accepted("old", spec(task, true), 10, 100, T0);
    return state.updated(new JobEvent.Cancelled("stop"), T0).state();
  }

  /**
   * Tests that the plan skips exactly the successful inputs, whatever order the log holds them in,
   * and the new job runs the rest at their own indices: failed ones, gaps, and the never-run tail.
   */
  @Test
  void runsExactlyTheInputsWithoutASuccess() {
    List<Result> log = List.of(ok(3), ok(4), failed(5), ok(0), ok(6), failed(1));
    ResumePlan plan = ResumePlan.of("old", 10, log.iterator());
    assertThat(plan.done().count()).isEqualTo(4);
    assertThat(plan.toRun()).isEqualTo(6);

    JobState state = plan.start("new", spec("echo", true), InputSource.of(longs(10)), 100, 2, T0);
    assertThat(state.spec().ordered()).isFalse();
    TreeSet<Long> sent = new TreeSet<>();
    List<Result> results = new ArrayList<>();
    while (state.hasWork()) {
      Batch batch =
          state.ready().isEmpty()
              ? Batch.fresh(
                  state.nextBatchId(),
                  state.nextFresh(),
                  longs(10).subList((int) state.nextFresh(), (int) state.nextFresh() + 1))
              : state.ready().get(0);
      state = state.updated(new Dispatched(batch, "n1", "h:1"), T0).state();
      for (int i = 0; i < batch.size(); i++) {
        sent.add(batch.firstIndex() + i);
      }
      JobState.Transition step =
          state.updated(new BatchCompleted(batch.id(), 0, batch.inputs(), List.of(), true, 0), T0);
      state = step.state();
      step.released().forEach(block -> results.addAll(block.results()));
    }
    assertThat(sent).containsExactly(1L, 2L, 5L, 7L, 8L, 9L);
    assertThat(results).extracting(Result::index).containsExactlyInAnyOrder(1L, 2L, 5L, 7L, 8L, 9L);
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
    assertThat(state.succeeded()).isEqualTo(10);
  }

  /**
   * Tests that resuming a job that itself resumed one skips what both did: the first job's
   * successes are not in the second job's results, yet they do not run again.
   */
  @Test
  void resumeOfAResumedJob() {
    ResumePlan first = ResumePlan.of("a", 6, List.of(ok(0), ok(1), failed(2)).iterator());
    JobState second = first.start("b", spec("echo", true), InputSource.of(longs(6)), 100, 2, T0);
    assertThat(second.resumed()).contains(first);

    ResumePlan third =
        ResumePlan.of("b", 6, List.of(ok(3), failed(2)).iterator(), second.resumed().get());
    assertThat(third.done().count()).isEqualTo(3);
    assertThat(third.done().contains(1)).isTrue();
    assertThat(third.done().contains(2)).isFalse();
    assertThat(third.toRun()).isEqualTo(3);
    assertThat(third.tally().succeeded()).isEqualTo(3);
  }

  /** Tests that a job whose every input succeeded resumes as a job that ends at once. */
  @Test
  void nothingLeftToRun() {
    List<Result> log = new ArrayList<>();
    for (int i = 9; i >= 0; i--) {
      log.add(ok(i));
    }
    ResumePlan plan = ResumePlan.of("old", 10, log.iterator());
    JobState state = plan.start("new", spec("echo", false), InputSource.of(longs(10)), 100, 4, T0);
    assertThat(plan.toRun()).isZero();
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
  }

  /**
   * Tests that a different task, parameters or input count is refused in words saying what to do.
   */
  @Test
  void refusesAnotherJob() {
    JobState old = ended("echo");
    assertThat(ResumePlan.refusal(old, spec("echo", false), 10)).isEmpty();
    assertThat(ResumePlan.refusal(old, spec("sleep", true), 10))
        .get()
        .asString()
        .contains("ran task 'echo'")
        .contains("give the same task, parameters and inputs");
    JobSpec otherParams =
        new JobSpec(new TaskSpec("echo", Map.of()), true, null, 0, 0, 3, Duration.ZERO);
    assertThat(ResumePlan.refusal(old, otherParams, 10)).isPresent();
    assertThat(ResumePlan.refusal(old, spec("echo", true), 9))
        .get()
        .asString()
        .contains("had 10 inputs and this request has 9");
    assertThat(ResumePlan.refusal(old, spec("echo", true).withCombiner(Combiner.SUM), 10))
        .get()
        .asString()
        .contains("combines");
  }

  /** Tests that a job still running is refused until it ends. */
  @Test
  void refusesARunningJob() {
    JobState running = JobState.accepted("old", spec("echo", true), 10, 100, T0);
    assertThat(ResumePlan.refusal(running, spec("echo", true), 10))
        .get()
        .asString()
        .contains("still running")
        .contains("cohort cancel old");
  }
}
