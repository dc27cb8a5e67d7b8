package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.protocol.Payloads;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchingTest {

  private static final Set<Long> ALL =
      java.util.stream.LongStream.range(0, 1000)
          .boxed()
          .collect(java.util.stream.Collectors.toSet());

  private static final Instant T0 = Instant.EPOCH;
  private final Batching batching = new Batching(Duration.ofMillis(20), 4096);

  private static JobState job(long total, int batch) {
    return JobState.accepted(
        "j",
        new JobSpec(new TaskSpec("echo", Map.of()), false, null, batch, 0, 3, Duration.ZERO),
        total,
        1000,
        T0);
  }

  /** Runs one batch of {@code size} inputs that took {@code nanosEach} per input. */
  private JobState measured(JobState state, InputSource inputs, long nanosEach) {
    Batch batch = batching.next(state, inputs, 2, "n:1", Set.of("n:1")).orElseThrow();
    state = state.updated(new Dispatched(batch, "n", "n:1"), T0).state();
    List<JsonNode> outputs = new ArrayList<>(batch.inputs());
    return state
        .updated(
            new BatchCompleted(
                batch.id(), 0, Values.of(outputs), List.of(), true, nanosEach * batch.size()),
            T0)
        .state();
  }

  /** Tests that the first batch of a job holds one input, to measure the task. */
  @Test
  void probesWithOneInput() {
    assertThat(batching.size(job(1_000_000, 0), 2)).isEqualTo(1);
  }

  /** Tests that tiny tasks travel in the largest batches. */
  @Test
  void tinyTasksGetLargeBatches() {
    InputSource inputs = InputSource.range(0, 10_000_000);
    JobState state = measured(job(10_000_000, 0), inputs, 100);
    assertThat(batching.size(state, 2)).isEqualTo(4096);
  }

  /** Tests that slow tasks go one at a time. */
  @Test
  void slowTasksGoOneByOne() {
    InputSource inputs = InputSource.range(0, 1000);
    JobState state = measured(job(1000, 0), inputs, 500_000_000);
    assertThat(batching.size(state, 2)).isEqualTo(1);
  }

  /** Tests that batches hold about target-batch-time of work. */
  @Test
  void sizesToTheTargetTime() {
    InputSource inputs = InputSource.range(0, 1_000_000);
    JobState state = measured(job(1_000_000, 0), inputs, 1_000_000);
    assertThat(batching.size(state, 2)).isEqualTo(20);
  }

  /** Tests that the end of a job is cut finer so every slot finishes at about the same time. */
  @Test
  void guidedSchedulingBalancesTheTail() {
    InputSource inputs = InputSource.range(0, 101);
    JobState state = measured(job(101, 0), inputs, 100);
    assertThat(state.unsent()).isEqualTo(100);
    assertThat(batching.size(state, 10)).isEqualTo(5);
  }

  /** Tests that a batch size the job asks for is kept, within max-batch. */
  @Test
  void explicitBatchSize() {
    assertThat(batching.size(job(100, 1), 2)).isEqualTo(1);
    assertThat(batching.size(job(100, 7), 2)).isEqualTo(7);
    assertThat(batching.size(job(100_000, 10_000), 2)).isEqualTo(4096);
  }

  /** Tests that a batch is cut before its inputs outgrow a message. */
  @Test
  void cutsBatchesAtTheMessageSize() {
    String big = "x".repeat(10_000);
    List<JsonNode> list = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      list.add(TextNode.valueOf(big));
    }
    InputSource inputs = InputSource.of(list);
    JobState state = job(100, 100);
    Batch batch = batching.next(state, inputs, 1, "n:1", Set.of("n:1")).orElseThrow();
    long bytes = batch.inputs().stream().mapToLong(Payloads::estimateBytes).sum();
    assertThat(batch.size()).isBetween(1, 99);
    assertThat(bytes).isLessThanOrEqualTo(Payloads.TARGET_MESSAGE_BYTES);
  }

  /** Tests that batches waiting to run again go before fresh ones. */
  @Test
  void retriesGoFirst() {
    InputSource inputs = InputSource.range(0, 10);
    JobState state = job(10, 2);
    Batch first = batching.next(state, inputs, 1, "n:1", Set.of("n:1")).orElseThrow();
    state = state.updated(new Dispatched(first, "n", "n:1"), T0).state();
    state = state.updated(new JobEvent.NodeLost("n", "lost", ALL), T0).state();
    Batch next = batching.next(state, inputs, 1, "n:1", Set.of("n:1")).orElseThrow();
    assertThat(next.firstIndex()).isZero();
    assertThat(next.attempt()).isEqualTo(2);
  }

  /** Tests that an input that failed on a node goes to another node when one can take it. */
  @Test
  void retriesAvoidTheNodeTheyFailedOn() {
    InputSource inputs = InputSource.range(0, 1);
    JobState state = job(1, 1);
    Batch first = batching.next(state, inputs, 2, "a:1", Set.of("a:1", "b:1")).orElseThrow();
    state = state.updated(new Dispatched(first, "a", "a:1"), T0).state();
    state = state.updated(new JobEvent.NodeLost("a", "lost", ALL), T0).state();
    assertThat(batching.next(state, inputs, 2, "a:1", Set.of("a:1", "b:1"))).isEmpty();
    assertThat(batching.next(state, inputs, 2, "b:1", Set.of("a:1", "b:1"))).isPresent();
    // With no other node to go to, it runs where it failed rather than not at all.
    assertThat(batching.next(state, inputs, 2, "a:1", Set.of("a:1"))).isPresent();
  }

  /** Tests that nothing is offered by a finished job. */
  @Test
  void nothingAfterTheEnd() {
    JobState state = job(1, 0);
    InputSource inputs = InputSource.range(0, 1);
    state = measured(state, inputs, 10);
    assertThat(batching.next(state, inputs, 1, "n:1", Set.of("n:1"))).isEmpty();
  }

  /** Tests that bad settings are refused with the key's name. */
  @Test
  void validatesSettings() {
    assertThatThrownBy(() -> new Batching(Duration.ZERO, 1))
        .hasMessageContaining("target-batch-time");
    assertThatThrownBy(() -> new Batching(Duration.ofMillis(1), 0))
        .hasMessageContaining("max-batch");
  }

  /**
   * Tests the pipeline depth: deep for tiny tasks, the minimum for slow ones and before measuring.
   */
  @Test
  void prefetchCoversTheQueueTime() {
    Batching deep = new Batching(Duration.ofMillis(20), 4096, 1, 256, Duration.ofMillis(5));
    InputSource inputs = InputSource.range(0, 1000);
    assertThat(deep.prefetch(job(1000, 1), 1)).isEqualTo(1);
    JobState tiny = measured(job(1000, 1), inputs, 1_000);
    assertThat(deep.prefetch(tiny, 1)).isEqualTo(256);
    JobState medium = measured(job(1000, 1), inputs, 1_000_000);
    assertThat(deep.prefetch(medium, 1)).isEqualTo(5);
    JobState slow = measured(job(1000, 1), inputs, 500_000_000);
    assertThat(deep.prefetch(slow, 1)).isEqualTo(1);
    assertThatThrownBy(() -> new Batching(Duration.ofMillis(1), 1, 5, 2, Duration.ZERO))
        .hasMessageContaining("prefetch-per-slot");
  }
}
