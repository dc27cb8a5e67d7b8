package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.Result;
import cohort.api.TaskError;
import cohort.coordinator.http.ApiViews;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Cancelled;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.coordinator.job.JobEvent.NodeLost;
import cohort.coordinator.job.JobEvent.Returned;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class JobStateTest {

  /** Every batch id: the lost node was running whatever it held. */
  private static final java.util.Set<Long> ALL =
      java.util.stream.LongStream.range(0, 1000)
          .boxed()
          .collect(java.util.stream.Collectors.toSet());

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** What the last event applied by {@link #apply} released. */
  private List<Result> lastReleased = List.of();

  /** Applies an event as the coordinator does, keeping what it released. */
  private JobState apply(JobState state, JobEvent event, Instant now) {
    JobState.Transition step = state.updated(event, now);
    lastReleased = results(step);
    return step.state();
  }

  /** What a transition released, one result each. */
  private static List<Result> results(JobState.Transition step) {
    List<Result> results = new ArrayList<>();
    step.released().forEach(block -> results.addAll(block.results()));
    return results;
  }

  /** The results the last applied event released. */
  private List<Result> released() {
    return lastReleased;
  }

  private static JobSpec spec(boolean ordered, Combiner combiner) {
    return new JobSpec(
        new TaskSpec("echo", Map.of()), ordered, combiner, 0, 0, 3, java.time.Duration.ZERO);
  }

  private static List<JsonNode> longs(long from, long to) {
    return LongStream.range(from, to).mapToObj(i -> (JsonNode) LongNode.valueOf(i)).toList();
  }

  private static Batch fresh(JobState state, int size) {
    long from = state.nextFresh();
    return Batch.fresh(state.nextBatchId(), from, longs(from, from + size));
  }

  /** Outputs equal to the batch's inputs times ten, as a task would compute them. */
  private static BatchCompleted doneTimesTen(Batch batch) {
    List<JsonNode> outputs = new ArrayList<>();
    for (JsonNode input : batch.inputs()) {
      outputs.add(LongNode.valueOf(input.longValue() * 10));
    }
    return new BatchCompleted(
        batch.id(), 0, Values.of(outputs), List.of(), true, 1000L * batch.size());
  }

  private static JobState accepted(long total, boolean ordered) {
    return JobState.accepted("j-1", spec(ordered, null), total, 1000, T0);
  }

  /**
   * Tests that every input gets one result, with its index, input and output, and the job succeeds.
   */
  @Test
  void completesWithOneResultPerInput() {
    JobState state = accepted(5, true);
    assertThat(state.phase()).isEqualTo(Phase.PENDING);
    Batch a = fresh(state, 3);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    Batch b = fresh(state, 2);
    state = apply(state, new Dispatched(b, "n2", "n2:1"), T0);
    assertThat(state.phase()).isEqualTo(Phase.RUNNING);
    assertThat(state.admissible()).isZero();

    state = apply(state, doneTimesTen(a), T0);
    assertThat(released()).extracting(Result::index).containsExactly(0L, 1L, 2L);
    assertThat(released()).extracting(r -> r.output().longValue()).containsExactly(0L, 10L, 20L);
    state = apply(state, doneTimesTen(b), T0.plusSeconds(2));

    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
    assertThat(ApiViews.status(state, T0.plusSeconds(9)).elapsedMillis()).isEqualTo(2000);
    assertThat(state.succeeded()).isEqualTo(5);
  }

  /** Tests that an ordered job holds back results until every earlier input has one. */
  @Test
  void orderedJobReleasesInInputOrder() {
    JobState state = accepted(6, true);
    Batch a = fresh(state, 2);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    Batch b = fresh(state, 2);
    state = apply(state, new Dispatched(b, "n2", "n2:1"), T0);
    Batch c = fresh(state, 2);
    state = apply(state, new Dispatched(c, "n2", "n2:1"), T0);

    state = apply(state, doneTimesTen(c), T0);
    assertThat(released()).isEmpty();
    state = apply(state, doneTimesTen(b), T0);
    assertThat(released()).isEmpty();
    state = apply(state, doneTimesTen(a), T0);
    assertThat(released()).extracting(Result::index).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
  }

  /** Tests that an unordered job releases results as they complete. */
  @Test
  void unorderedJobReleasesAtOnce() {
    JobState state = accepted(4, false);
    Batch a = fresh(state, 2);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    Batch b = fresh(state, 2);
    state = apply(state, new Dispatched(b, "n2", "n2:1"), T0);
    state = apply(state, doneTimesTen(b), T0);
    assertThat(released()).extracting(Result::index).containsExactly(2L, 3L);
  }

  /**
   * Tests that a repeated result for the same batch changes nothing: no duplicates reach the
   * client.
   */
  @Test
  void duplicateResultsAreDropped() {
    JobState state = accepted(2, false);
    Batch a = fresh(state, 2);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state = apply(state, doneTimesTen(a), T0);
    JobState again = apply(state, doneTimesTen(a), T0);
    assertThat(released()).isEmpty();
    assertThat(again.succeeded()).isEqualTo(2);
    assertThat(again.delivered()).isEqualTo(2);
  }

  /**
   * Tests that results arriving in parts are accepted part by part and a repeated part is dropped.
   */
  @Test
  void resultsInParts() {
    JobState state = accepted(4, true);
    Batch a = fresh(state, 4);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    BatchCompleted first =
        new BatchCompleted(a.id(), 0, Values.of(longs(0, 2)), List.of(), false, 10);
    state = apply(state, first, T0);
    assertThat(released()).hasSize(2);
    assertThat(ApiViews.status(state, T0).running()).isEqualTo(2);
    assertThat(results(state.updated(first, T0))).isEmpty();
    state =
        apply(
            state, new BatchCompleted(a.id(), 2, Values.of(longs(2, 4)), List.of(), true, 10), T0);
    assertThat(released()).extracting(Result::index).containsExactly(2L, 3L);
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
  }

  /** Tests that a failed input becomes an error result and the job ends FAILED with the count. */
  @Test
  void taskErrorsAreResults() {
    JobState state = accepted(3, true);
    Batch a = fresh(state, 3);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    TaskError boom = new TaskError("java.lang.IllegalStateException", "boom", "n1", 1, "trace");
    state =
        apply(
            state,
            new BatchCompleted(
                a.id(),
                0,
                Values.of(
                    List.of(LongNode.valueOf(0), NullNode.getInstance(), LongNode.valueOf(2))),
                List.of(new InputFailure(1, FailureKind.TASK, boom)),
                true,
                10),
            T0);
    assertThat(released().get(1).error().message()).isEqualTo("boom");
    assertThat(released().get(1).output()).isNull();
    assertThat(released().get(2).output().longValue()).isEqualTo(2);
    assertThat(state.phase()).isEqualTo(Phase.FAILED);
    assertThat(ApiViews.status(state, T0).message()).isEqualTo("1 of 3 inputs failed");
  }

  /**
   * Tests that the inputs a lost node held run again alone, on another node, under new ids, and
   * that the lost node's late results are ignored.
   */
  @Test
  void inputsOfALostNodeRunAgainAlone() {
    JobState state = accepted(3, true);
    Batch a = fresh(state, 3);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state =
        apply(
            state, new BatchCompleted(a.id(), 0, Values.of(longs(0, 1)), List.of(), false, 10), T0);
    state = apply(state, new NodeLost("n1", "unreachable", ALL), T0);

    assertThat(state.ready()).hasSize(2);
    Batch again = state.ready().get(0);
    assertThat(again.id()).isNotEqualTo(a.id());
    assertThat(again.firstIndex()).isEqualTo(1);
    assertThat(again.inputs()).isEqualTo(longs(1, 2));
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(again.systemFailures()).isEqualTo(1);
    assertThat(again.failedOn()).containsExactly("n1:1");
    assertThat(ApiViews.status(state, T0).retried()).isEqualTo(2);
    assertThat(ApiViews.status(state, T0).running()).isZero();

    state = apply(state, new Dispatched(again, "n2", "n2:1"), T0);
    assertThat(results(state.updated(doneTimesTen(a), T0))).isEmpty();
    state = apply(state, doneTimesTen(again), T0);
    assertThat(released()).extracting(Result::index).containsExactly(1L);
    Batch last = state.ready().get(0);
    state = apply(state, new Dispatched(last, "n2", "n2:1"), T0);
    state = apply(state, doneTimesTen(last), T0);
    assertThat(released()).extracting(Result::index).containsExactly(2L);
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
  }

  /** Tests that a batch a node stopped early has its unfinished inputs queued again. */
  @Test
  void unfinishedInputsOfALastPartRunAgain() {
    JobState state = accepted(3, false);
    Batch a = fresh(state, 3);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state =
        apply(
            state, new BatchCompleted(a.id(), 0, Values.of(longs(0, 1)), List.of(), true, 10), T0);
    assertThat(state.ready())
        .singleElement()
        .satisfies(b -> assertThat(b.firstIndex()).isEqualTo(1));
    assertThat(state.hasWork()).isTrue();
  }

  /** Tests that a cancel stops the job, keeps finished results and drops whatever comes later. */
  @Test
  void cancelKeepsFinishedResults() {
    JobState state = accepted(6, true);
    Batch a = fresh(state, 2);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    Batch b = fresh(state, 2);
    state = apply(state, new Dispatched(b, "n2", "n2:1"), T0);
    state = apply(state, doneTimesTen(b), T0);
    state = apply(state, new Cancelled("cancelled on request"), T0.plusSeconds(1));

    assertThat(state.phase()).isEqualTo(Phase.CANCELLED);
    assertThat(released()).extracting(Result::index).containsExactly(2L, 3L);
    assertThat(state.inFlight()).isEmpty();
    assertThat(state.hasWork()).isFalse();
    assertThat(results(state.updated(doneTimesTen(a), T0))).isEmpty();
    assertThat(ApiViews.status(state, T0.plusSeconds(5)).elapsedMillis()).isEqualTo(1000);
  }

  /** Tests that an ordered job never sends inputs more than the window ahead of its first gap. */
  @Test
  void orderedWindowBoundsDispatch() {
    JobState state = JobState.accepted("j", spec(true, null), 100, 10, T0);
    assertThat(state.admissible()).isEqualTo(10);
    Batch a = fresh(state, 4);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    Batch b = fresh(state, 6);
    state = apply(state, new Dispatched(b, "n1", "n1:1"), T0);
    assertThat(state.admissible()).isZero();
    JobState blocked = apply(state, doneTimesTen(b), T0);
    assertThat(blocked.admissible()).isZero();
    JobState open = apply(blocked, doneTimesTen(a), T0);
    assertThat(open.admissible()).isEqualTo(10);
    Batch tooFar = Batch.fresh(state.nextBatchId(), state.nextFresh(), longs(10, 11));
    assertThatThrownBy(() -> blocked.updated(new Dispatched(tooFar, "n1", "n1:1"), T0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("admissible");
  }

  /** Tests that only the next fresh batch or the head of the retry queue may be dispatched. */
  @Test
  void refusesABatchOutOfTurn() {
    JobState state = accepted(10, false);
    Batch skipping = Batch.fresh(state.nextBatchId(), 3, longs(3, 4));
    assertThatThrownBy(() -> state.updated(new Dispatched(skipping, "n1", "n1:1"), T0))
        .isInstanceOf(IllegalStateException.class);
  }

  /** Tests that sums are exact beyond 64 bits and the combined value follows every output. */
  @Test
  void combinesOutputsExactly() {
    JobState state = JobState.accepted("j", spec(false, Combiner.SUM), 2, 10, T0);
    Batch a = fresh(state, 2);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state =
        apply(
            state,
            new BatchCompleted(
                a.id(),
                0,
                Values.of(
                    List.of(LongNode.valueOf(Long.MAX_VALUE), LongNode.valueOf(Long.MAX_VALUE))),
                List.of(),
                true,
                10),
            T0);
    assertThat(state.combined().bigIntegerValue())
        .isEqualTo(java.math.BigInteger.valueOf(Long.MAX_VALUE).multiply(java.math.BigInteger.TWO));
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
  }

  /** Tests that outputs which cannot be combined fail the job with the reason. */
  @Test
  void combineErrorFailsTheJob() {
    JobState state = JobState.accepted("j", spec(false, Combiner.SUM), 1, 10, T0);
    Batch a = fresh(state, 1);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state =
        apply(
            state,
            new BatchCompleted(
                a.id(),
                0,
                Values.of(List.of(com.fasterxml.jackson.databind.node.TextNode.valueOf("x"))),
                List.of(),
                true,
                10),
            T0);
    assertThat(state.phase()).isEqualTo(Phase.FAILED);
    assertThat(ApiViews.status(state, T0).combineError()).contains("sum needs numbers");
  }

  /** Tests that a job without inputs succeeds at once. */
  @Test
  void emptyJobSucceedsAtOnce() {
    assertThat(accepted(0, true).phase()).isEqualTo(Phase.SUCCEEDED);
  }

  /** Tests that the mean task time follows the measurements. */
  @Test
  void measuresTaskTime() {
    JobState state = accepted(4, false);
    assertThat(state.meanTaskNanos()).isNegative();
    Batch a = fresh(state, 2);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state =
        apply(
            state,
            new BatchCompleted(a.id(), 0, Values.of(longs(0, 2)), List.of(), true, 2000),
            T0);
    assertThat(state.meanTaskNanos()).isEqualTo(1000.0);
  }

  private static JobState withSpec(long total, int retries, int maxAttempts) {
    JobSpec spec =
        new JobSpec(
            new TaskSpec("echo", Map.of()),
            true,
            null,
            0,
            retries,
            maxAttempts,
            java.time.Duration.ZERO);
    return JobState.accepted("j", spec, total, 1000, T0);
  }

  private static BatchCompleted failing(Batch batch, int offset, FailureKind kind, String message) {
    List<JsonNode> outputs = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      outputs.add(i == offset ? NullNode.getInstance() : batch.inputs().get(i));
    }
    TaskError error = new TaskError("java.lang.RuntimeException", message, "n", 1, "at Task.run");
    return new BatchCompleted(
        batch.id(),
        0,
        Values.of(outputs),
        List.of(new InputFailure(offset, kind, error)),
        true,
        10);
  }

  /** Tests that a throwing input runs again alone up to --retries times, then reports its error. */
  @Test
  void retriesTaskFailuresThenReports() {
    JobState state = withSpec(3, 2, 3);
    Batch a = fresh(state, 3);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state = apply(state, failing(a, 1, FailureKind.TASK, "flaky"), T0);
    assertThat(released()).extracting(Result::index).containsExactly(0L);
    for (int run = 2; run <= 3; run++) {
      Batch retry = state.ready().get(0);
      assertThat(retry.inputs()).containsExactly(LongNode.valueOf(1));
      assertThat(retry.attempt()).isEqualTo(run);
      assertThat(retry.taskFailures()).isEqualTo(run - 1);
      state = apply(state, new Dispatched(retry, "n1", "n1:1"), T0);
      state = apply(state, failing(retry, 0, FailureKind.TASK, "flaky"), T0);
    }
    assertThat(released()).extracting(Result::index).containsExactly(1L, 2L);
    Result error = released().get(0);
    assertThat(error.error().message()).isEqualTo("flaky");
    assertThat(error.error().type()).isEqualTo("java.lang.RuntimeException");
    assertThat(error.error().trace()).isEqualTo("at Task.run");
    assertThat(error.error().attempts()).isEqualTo(3);
    assertThat(state.phase()).isEqualTo(Phase.FAILED);
    assertThat(ApiViews.status(state, T0).retried()).isEqualTo(2);
  }

  /**
   * Tests that a batch a node gave back goes out again whole, as the same attempt, and that a
   * return from a node the batch is not on changes nothing.
   */
  @Test
  void returnedBatchGoesOutAgainAsItWas() {
    JobState state = accepted(3, true);
    Batch a = fresh(state, 3);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state = apply(state, new Returned(a.id(), "n2"), T0);
    assertThat(state.isInFlight(a.id())).isTrue();

    state = apply(state, new Returned(a.id(), "n1"), T0);
    assertThat(state.isInFlight(a.id())).isFalse();
    assertThat(state.ready()).hasSize(1);
    Batch again = state.ready().get(0);
    assertThat(again.id()).isNotEqualTo(a.id());
    assertThat(again.firstIndex()).isZero();
    assertThat(again.inputs()).isEqualTo(a.inputs());
    assertThat(again.attempt()).isEqualTo(1);
    assertThat(ApiViews.status(state, T0).retried()).isZero();

    state = apply(state, new Dispatched(again, "n2", "n2:1"), T0);
    state = apply(state, doneTimesTen(again), T0);
    assertThat(released()).extracting(Result::index).containsExactly(0L, 1L, 2L);
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
  }

  /** Tests that a retried input that succeeds counts as a success. */
  @Test
  void retryThatSucceeds() {
    JobState state = withSpec(1, 1, 3);
    Batch a = fresh(state, 1);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state = apply(state, failing(a, 0, FailureKind.TASK, "flaky"), T0);
    Batch retry = state.ready().get(0);
    state = apply(state, new Dispatched(retry, "n1", "n1:1"), T0);
    state = apply(state, doneTimesTen(retry), T0);
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
  }

  /** Tests that a timed-out input runs elsewhere up to max-attempts runs, then says it gave up. */
  @Test
  void timeoutsUseMaxAttempts() {
    JobState state = withSpec(1, 0, 2);
    Batch a = fresh(state, 1);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state =
        apply(state, failing(a, 0, FailureKind.TIMEOUT, "ran longer than the task timeout"), T0);
    Batch retry = state.ready().get(0);
    assertThat(retry.systemFailures()).isEqualTo(1);
    assertThat(retry.failedOn()).containsExactly("n1:1");
    state = apply(state, new Dispatched(retry, "n2", "n2:1"), T0);
    state =
        apply(
            state, failing(retry, 0, FailureKind.TIMEOUT, "ran longer than the task timeout"), T0);
    Result error = released().get(0);
    assertThat(error.error().message())
        .isEqualTo("ran longer than the task timeout; gave up after 2 runs (max-attempts 2)");
    assertThat(state.phase()).isEqualTo(Phase.FAILED);
  }

  /** Tests that input errors are final: no retries for an input the task cannot take. */
  @Test
  void inputErrorsAreNotRetried() {
    JobState state = withSpec(1, 5, 5);
    Batch a = fresh(state, 1);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state = apply(state, failing(a, 0, FailureKind.INPUT, "not an integer"), T0);
    assertThat(state.ready()).isEmpty();
    assertThat(state.phase()).isEqualTo(Phase.FAILED);
  }

  /** Tests that an input whose node goes down on every run is quarantined, naming the nodes. */
  @Test
  void poisonInputIsQuarantined() {
    JobState state = withSpec(2, 0, 3);
    Batch a = fresh(state, 2);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state = apply(state, new NodeLost("n1", "unreachable", ALL), T0);
    // The innocent input completes elsewhere.
    Batch innocent = state.ready().get(1);
    state = apply(state, new Dispatched(innocent, "n2", "n2:1"), T0);
    state = apply(state, doneTimesTen(innocent), T0);
    Batch poison = state.ready().get(0);
    for (String node : List.of("n2", "n3")) {
      state = apply(state, new Dispatched(poison, node, node + ":1"), T0);
      state = apply(state, new NodeLost(node, "unreachable", ALL), T0);
      if (!state.ready().isEmpty()) {
        poison = state.ready().get(0);
      }
    }
    assertThat(state.ready()).isEmpty();
    assertThat(state.phase()).isEqualTo(Phase.FAILED);
    Result quarantined = released().get(0);
    assertThat(quarantined.index()).isZero();
    assertThat(quarantined.error().type()).isEqualTo("cohort.Quarantined");
    assertThat(quarantined.error().message())
        .startsWith(
            "quarantined after its node went down on each of its 3 runs (max-attempts 3), on n1:1,"
                + " n2:1, n3:1");
    assertThat(quarantined.error().attempts()).isEqualTo(3);
    assertThat(state.succeeded()).isEqualTo(1);
  }

  /** Tests that a crash a draining node reports counts like a lost node. */
  @Test
  void reportedCrashCountsAsSystemFailure() {
    JobState state = withSpec(1, 0, 1);
    Batch a = fresh(state, 1);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state = apply(state, failing(a, 0, FailureKind.CRASH, "the task called System.exit(3)"), T0);
    assertThat(released().get(0).error().type()).isEqualTo("cohort.Quarantined");
    assertThat(released().get(0).error().message())
        .endsWith("Last: the task called System.exit(3)");
  }

  /**
   * Tests that a last part covering only some inputs reports the failure it names and runs the
   * others again, without counting them as failures.
   */
  @Test
  void abandonedInputFailsAndTheRestRunAgain() {
    JobState state = withSpec(5, 0, 3);
    Batch a = fresh(state, 5);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    TaskError abandoned =
        new TaskError("cohort.TaskAbandoned", "ignored interruption", "n1:1", 1, null);
    state =
        apply(
            state,
            new BatchCompleted(
                a.id(),
                0,
                Values.of(longs(0, 1)),
                List.of(new InputFailure(2, FailureKind.TIMEOUT, abandoned)),
                true,
                10),
            T0);
    assertThat(released()).extracting(Result::index).containsExactly(0L);
    assertThat(state.ready()).hasSize(3);
    Batch rerunBefore =
        state.ready().stream().filter(b -> b.firstIndex() == 1).findFirst().orElseThrow();
    assertThat(rerunBefore.systemFailures()).isZero();
    Batch timedOut =
        state.ready().stream().filter(b -> b.firstIndex() == 2).findFirst().orElseThrow();
    assertThat(timedOut.systemFailures()).isEqualTo(1);
    Batch rerunAfter =
        state.ready().stream().filter(b -> b.firstIndex() == 3).findFirst().orElseThrow();
    assertThat(rerunAfter.inputs()).hasSize(2);
    assertThat(ApiViews.status(state, T0).pending()).isEqualTo(4);
  }

  /** Tests that a lost node's queued batches run again without counting against their inputs. */
  @Test
  void queuedBatchesOfALostNodeAreNotPenalised() {
    JobState state = withSpec(2, 0, 1);
    Batch running = fresh(state, 1);
    state = apply(state, new Dispatched(running, "n1", "n1:1"), T0);
    Batch queued = fresh(state, 1);
    state = apply(state, new Dispatched(queued, "n1", "n1:1"), T0);
    state = apply(state, new NodeLost("n1", "unreachable", java.util.Set.of(running.id())), T0);
    assertThat(released())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.index()).isZero();
              assertThat(r.error().type()).isEqualTo("cohort.Quarantined");
            });
    assertThat(state.ready())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.firstIndex()).isEqualTo(1);
              assertThat(b.systemFailures()).isZero();
            });
  }

  /** Tests that a streamed job grows as inputs arrive and ends only after they close. */
  @Test
  void streamedJobEndsAfterItsInputsClose() {
    JobState state = JobState.streamed("s", spec(false, Combiner.SUM), 1000, T0);
    assertThat(state.inputsOpen()).isTrue();
    assertThat(state.hasWork()).isFalse();
    state = apply(state, new JobEvent.InputsAdded(3), T0);
    assertThat(state.admissible()).isEqualTo(3);
    Batch a = fresh(state, 3);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    state = apply(state, doneTimesTen(a), T0);
    assertThat(state.phase()).isEqualTo(Phase.RUNNING);
    assertThat(ApiViews.status(state, T0).inputsOpen()).isTrue();
    state = apply(state, new JobEvent.InputsClosed(), T0.plusSeconds(1));
    assertThat(state.phase()).isEqualTo(Phase.SUCCEEDED);
    assertThat(state.combined().longValue()).isEqualTo(30);
  }

  /** Tests admission: a streamed job takes inputs while its buffer and its window have room. */
  @Test
  void admitsInputsWithinBufferAndWindow() {
    JobState state = JobState.streamed("s", spec(true, null), 10, T0);
    assertThat(state.admitsInputs(4)).isTrue();
    state = apply(state, new JobEvent.InputsAdded(4), T0);
    assertThat(state.admitsInputs(4)).isFalse();
    Batch a = fresh(state, 4);
    state = apply(state, new Dispatched(a, "n1", "n1:1"), T0);
    assertThat(state.admitsInputs(4)).isTrue();
    state = apply(state, new JobEvent.InputsAdded(6), T0);
    // The ordered window of 10 is full until the first results are in.
    Batch b = fresh(state, 6);
    state = apply(state, new Dispatched(b, "n1", "n1:1"), T0);
    assertThat(state.admitsInputs(100)).isFalse();
    state = apply(state, doneTimesTen(a), T0);
    assertThat(state.admitsInputs(100)).isTrue();
    JobState closed = apply(state, new JobEvent.InputsClosed(), T0);
    assertThat(closed.admitsInputs(100)).isFalse();
    assertThatThrownBy(() -> closed.updated(new JobEvent.InputsAdded(1), T0))
        .hasMessageContaining("takes no more inputs");
  }

  /** Tests that the sum of no outputs is 0, like Python's sum([]). */
  @Test
  void emptySumIsZero() {
    JobState state = JobState.accepted("j", spec(false, Combiner.SUM), 0, 10, T0);
    assertThat(state.combined().longValue()).isZero();
    assertThat(JobState.accepted("j", spec(false, Combiner.MAX), 0, 10, T0).combined()).isNull();
  }
}
