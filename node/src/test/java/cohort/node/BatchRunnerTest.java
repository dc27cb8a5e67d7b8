package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.Payloads;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.RunBatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchRunnerTest {

  private static ActorTestKit testKit;
  private static ActorRef<WorkerProtocol.Command> worker;
  private static ActorRef<CoordinatorProtocol.Command> coordinator;

  /** A clock that only the {@code tick} task moves, by 10 ms an input. */
  private static final AtomicLong CLOCK = new AtomicLong();

  private final TaskRegistry registry =
      TaskRegistry.of(
          java.util.stream.Stream.concat(
                  TestTasks.all().stream(),
                  java.util.stream.Stream.of(
                      new TestTasks.UnwritableTask(), new TestTasks.TickTask(CLOCK)))
              .toList());
  private final BatchRunner runner = new BatchRunner("n1:1", worker, new FileInputs());

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local"));
    worker = testKit.<WorkerProtocol.Command>createTestProbe().ref();
    coordinator = testKit.<CoordinatorProtocol.Command>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static RunBatch batch(String task, List<JsonNode> inputs) {
    return new RunBatch(
        "j", 7, new TaskSpec(task, Map.of()), 100, Values.of(inputs), 1, 0, coordinator, false);
  }

  private static List<JsonNode> longs(long... values) {
    List<JsonNode> list = new ArrayList<>();
    for (long v : values) {
      list.add(LongNode.valueOf(v));
    }
    return list;
  }

  private List<BatchFinished> run(RunBatch batch) {
    return runner.run(batch, registry.bind(batch.task()), new BatchControl());
  }

  /** Tests that each input's failure stays with it: a throw, a bad input, and the rest succeed. */
  @Test
  void failuresStayWithTheirInput() {
    List<JsonNode> inputs = longs(1, 13, 3);
    inputs.add(TextNode.valueOf("four"));
    List<BatchFinished> parts = run(batch("scale", inputs));
    assertThat(parts).hasSize(1);
    BatchFinished part = parts.get(0);
    assertThat(part.last()).isTrue();
    assertThat(part.outputs()).hasSize(4);
    assertThat(part.outputs().get(0).longValue()).isEqualTo(1);
    assertThat(part.outputs().get(2).longValue()).isEqualTo(3);
    assertThat(part.failures()).hasSize(2);
    var thrown = part.failures().get(0);
    assertThat(thrown.offset()).isEqualTo(1);
    assertThat(thrown.kind()).isEqualTo(FailureKind.TASK);
    assertThat(thrown.error().type()).isEqualTo("java.lang.IllegalStateException");
    assertThat(thrown.error().message()).isEqualTo("unlucky 13");
    assertThat(thrown.error().node()).isEqualTo("n1:1");
    assertThat(thrown.error().trace())
        .contains("TestTasks$ScaleTask.run")
        .doesNotContain("BatchRunner")
        .doesNotContain("BoundTask");
    var input = part.failures().get(1);
    assertThat(input.offset()).isEqualTo(3);
    assertThat(input.kind()).isEqualTo(FailureKind.INPUT);
  }

  /**
   * Tests that an output that cannot be written, by an exception or an error, fails its input
   * alone, and that the next batch on the same thread encodes cleanly (the thread keeps its
   * builder).
   */
  @Test
  void anUnwritableOutputFailsItsInputAlone() {
    BatchFinished part = run(batch("unwritable", longs(1, 2, 3, 4))).get(0);
    assertThat(part.outputs()).hasSize(4);
    assertThat(part.outputs().get(0).get("second").longValue()).isEqualTo(1);
    assertThat(part.outputs().get(3).get("first").longValue()).isEqualTo(4);
    String said = "the task returned an output that cannot be sent as JSON: ";
    String hint = "; return plain values, lists, maps or records of them";
    assertThat(part.failures())
        .satisfiesExactly(
            thrown -> {
              assertThat(thrown.offset()).isEqualTo(1);
              assertThat(thrown.kind()).isEqualTo(FailureKind.TASK);
              assertThat(thrown.error().message())
                  .startsWith(said + "no second for 2")
                  .endsWith(hint);
            },
            error -> {
              assertThat(error.offset()).isEqualTo(2);
              assertThat(error.error().message())
                  .isEqualTo(said + "an error, not an exception, for 3" + hint);
              assertThat(error.error().type()).isEqualTo("java.lang.AssertionError");
            });
    BatchFinished next = run(batch("scale", longs(5, 6))).get(0);
    assertThat(next.failures()).isEmpty();
    assertThat(next.outputs()).extracting(JsonNode::longValue).containsExactly(5L, 6L);
  }

  /** Tests that an output too large for a message becomes that input's error. */
  @Test
  void oversizedOutputIsAnError() {
    List<BatchFinished> parts = run(batch("blow-up", longs(10, Payloads.MAX_VALUE_BYTES)));
    BatchFinished part = parts.get(0);
    assertThat(part.outputs().get(0).textValue()).hasSize(10);
    assertThat(part.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.offset()).isEqualTo(1);
              assertThat(f.error().type()).isEqualTo("cohort.OutputTooLarge");
            });
  }

  /**
   * Tests that large results are cut into parts that each fit a message and cover every input once.
   */
  @Test
  void cutsResultsIntoParts() {
    long[] lengths = new long[40];
    java.util.Arrays.fill(lengths, 10_000);
    List<BatchFinished> parts = run(batch("blow-up", longs(lengths)));
    assertThat(parts.size()).isGreaterThan(1);
    int offset = 0;
    for (BatchFinished part : parts) {
      assertThat(part.fromOffset()).isEqualTo(offset);
      long bytes = part.outputs().stream().mapToLong(Payloads::estimateBytes).sum();
      assertThat(bytes).isLessThan(Payloads.TARGET_MESSAGE_BYTES + Payloads.MAX_VALUE_BYTES);
      offset += part.outputs().size();
      assertThat(part.last()).isEqualTo(offset == 40);
    }
    assertThat(offset).isEqualTo(40);
  }

  /**
   * Tests that each part of a batch's results reports the time of its own inputs, by the batch's
   * clock: the time batches are sized by.
   */
  @Test
  void eachPartReportsTheTimeOfItsInputs() {
    CLOCK.set(0);
    RunBatch batch = batch("tick", longs(1, 2, 3, 4));
    List<BatchFinished> parts =
        runner.run(batch, registry.bind(batch.task()), new BatchControl(CLOCK::get));
    assertThat(parts).extracting(BatchFinished::fromOffset).containsExactly(0, 2);
    assertThat(parts)
        .extracting(BatchFinished::busyNanos)
        .containsExactly(TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(20));
  }

  /** Tests that a cancel interrupts the running input and the batch stops early. */
  @Test
  void cancelStopsTheBatch() throws Exception {
    BatchControl control = new BatchControl();
    RunBatch batch = batch("wait", longs(60_000, 60_000));
    TestTasks.resetStarted();
    CompletableFuture<List<BatchFinished>> run =
        CompletableFuture.supplyAsync(
            () -> runner.run(batch, registry.bind(batch.task()), control));
    TestTasks.awaitStarted(1);
    control.cancel();
    List<BatchFinished> parts = run.get(5, TimeUnit.SECONDS);
    assertThat(parts)
        .singleElement()
        .satisfies(
            part -> {
              assertThat(part.last()).isTrue();
              assertThat(part.outputs()).isEmpty();
            });
  }

  /** Tests that a batch that cannot run gives every input the same error. */
  @Test
  void failAllCoversEveryInput() {
    List<BatchFinished> parts =
        runner.failAll(batch("scale", longs(1, 2, 3)), "cohort.NodeError", "no");
    assertThat(parts.get(0).failures()).extracting(f -> f.offset()).containsExactly(0, 1, 2);
  }
}
