package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.TaskError;
import cohort.node.Outbox.Envelope;
import cohort.protocol.Coalescing;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.BatchProgress;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The outbox without a worker: actor refs serve as addresses only, nothing is sent. */
class OutboxTest {

  private static ActorTestKit testKit;
  private static ActorRef<WorkerProtocol.Command> worker;
  private static ActorRef<CoordinatorProtocol.Command> coordinator;
  private static ActorRef<CoordinatorProtocol.Command> other;

  /** Starts reported at once, so each test sees them; the delay has a test of its own. */
  private final Outbox outbox = new Outbox(worker, Duration.ZERO, System::nanoTime);

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local"));
    worker = testKit.<WorkerProtocol.Command>createTestProbe().ref();
    coordinator = testKit.<CoordinatorProtocol.Command>createTestProbe().ref();
    other = testKit.<CoordinatorProtocol.Command>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static BatchFinished whole(long batch, int outputs) {
    List<JsonNode> values = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      values.add(LongNode.valueOf(i));
    }
    return new BatchFinished("j", batch, 0, Values.of(values), List.of(), true, 1, worker);
  }

  private static BatchFinished failed(long batch) {
    TaskError error = new TaskError("x", "failed", "n", 1, null);
    return new BatchFinished(
        "j",
        batch,
        0,
        Values.of(List.of(NullNode.getInstance())),
        List.of(new InputFailure(0, FailureKind.TASK, error)),
        true,
        1,
        worker);
  }

  /** The batch ids of a message's results, in order. */
  private static List<Long> ids(CoordinatorProtocol.Command message) {
    if (message instanceof BatchProgress progress) {
      return progress.parts().stream().map(BatchFinished::batchId).toList();
    }
    return List.of(((BatchFinished) message).batchId());
  }

  /** Tests that only the first addition to an empty outbox asks for a flush. */
  @Test
  void asksForAFlushOncePerFill() {
    assertThat(outbox.isEmpty()).isTrue();
    assertThat(outbox.result(coordinator, whole(1, 1))).isTrue();
    assertThat(outbox.started(coordinator, new BatchKey("j", 2))).isFalse();
    assertThat(outbox.result(other, whole(3, 1))).isFalse();
    assertThat(outbox.flush()).hasSize(2);
    assertThat(outbox.isEmpty()).isTrue();
    assertThat(outbox.flush()).isEmpty();
    assertThat(outbox.started(coordinator, new BatchKey("j", 4))).isTrue();
  }

  /** Tests that small whole results share one message and a single one travels as itself. */
  @Test
  void packsSmallResultsTogether() {
    outbox.result(coordinator, whole(1, 3));
    outbox.result(coordinator, whole(2, 3));
    List<Envelope> sent = outbox.flush();
    assertThat(sent)
        .singleElement()
        .satisfies(e -> assertThat(ids(e.message())).containsExactly(1L, 2L));
    assertThat(sent.get(0).message()).isInstanceOf(BatchProgress.class);

    outbox.result(coordinator, whole(3, 3));
    assertThat(outbox.flush())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).isEqualTo(whole(3, 3)));
  }

  /**
   * Tests that results keep the order they were produced in: a large result and one with a failure
   * each travel alone, in their place between groups of small ones.
   */
  @Test
  void keepsTheOrderResultsWereProducedIn() {
    outbox.result(coordinator, whole(1, 1));
    outbox.result(coordinator, whole(2, Coalescing.SMALL_BATCH + 1));
    outbox.result(coordinator, whole(3, 1));
    outbox.result(coordinator, whole(4, 1));
    outbox.result(coordinator, failed(5));
    outbox.result(coordinator, whole(6, 1));
    List<List<Long>> messages = outbox.flush().stream().map(e -> ids(e.message())).toList();
    assertThat(messages)
        .containsExactly(List.of(1L), List.of(2L), List.of(3L, 4L), List.of(5L), List.of(6L));
  }

  /** Tests that a group of small results is cut after {@link Coalescing#MAX_TOGETHER} of them. */
  @Test
  void cutsGroupsAtTheLimit() {
    for (long id = 0; id < Coalescing.MAX_TOGETHER + 1; id++) {
      outbox.result(coordinator, whole(id, 1));
    }
    List<Envelope> sent = outbox.flush();
    assertThat(sent).hasSize(2);
    assertThat(ids(sent.get(0).message())).hasSize(Coalescing.MAX_TOGETHER);
    assertThat(ids(sent.get(1).message())).containsExactly((long) Coalescing.MAX_TOGETHER);
  }

  /** Tests that a group of small results is cut before its outputs pass the message target. */
  @Test
  void cutsGroupsBeforeTheyGrowTooLarge() {
    String text = String.join("", Collections.nCopies(40 * 1024, "x"));
    for (long id = 0; id < 3; id++) {
      outbox.result(
          coordinator,
          new BatchFinished(
              "j", id, 0, Values.of(List.of(TextNode.valueOf(text))), List.of(), true, 1, worker));
    }
    List<List<Long>> messages = outbox.flush().stream().map(e -> ids(e.message())).toList();
    assertThat(messages).containsExactly(List.of(0L, 1L), List.of(2L));
  }

  /**
   * Tests that started batches go first, in a BatchProgress that carries them with the first group
   * of small results, before any result of the same flush.
   */
  @Test
  void sendsStartsFirst() {
    outbox.result(coordinator, whole(1, 1));
    outbox.started(coordinator, new BatchKey("j", 2));
    outbox.result(coordinator, whole(2, 1));
    List<Envelope> sent = outbox.flush();
    assertThat(sent).singleElement();
    BatchProgress progress = (BatchProgress) sent.get(0).message();
    assertThat(progress.started()).containsExactly(new BatchKey("j", 2));
    assertThat(ids(progress)).containsExactly(1L, 2L);
    assertThat(progress.worker()).isEqualTo(worker);
  }

  /** Tests that starts travel in a BatchProgress of their own before a result that goes alone. */
  @Test
  void sendsStartsBeforeAResultThatTravelsAlone() {
    outbox.started(coordinator, new BatchKey("j", 5));
    outbox.result(coordinator, failed(5));
    List<Envelope> sent = outbox.flush();
    assertThat(sent).hasSize(2);
    BatchProgress progress = (BatchProgress) sent.get(0).message();
    assertThat(progress.started()).containsExactly(new BatchKey("j", 5));
    assertThat(progress.parts()).isEmpty();
    assertThat(sent.get(1).message()).isEqualTo(failed(5));

    outbox.started(coordinator, new BatchKey("j", 6));
    assertThat(outbox.flush())
        .singleElement()
        .satisfies(
            e ->
                assertThat(((BatchProgress) e.message()).started())
                    .containsExactly(new BatchKey("j", 6)));
  }

  /** Tests that each coordinator gets its own messages, in the order it was first added. */
  @Test
  void separatesCoordinators() {
    outbox.result(coordinator, whole(1, 1));
    outbox.started(other, new BatchKey("k", 1));
    outbox.result(coordinator, whole(2, 1));
    List<Envelope> sent = outbox.flush();
    assertThat(sent).extracting(Envelope::to).containsExactly(coordinator, other);
    assertThat(ids(sent.get(0).message())).containsExactly(1L, 2L);
    assertThat(((BatchProgress) sent.get(1).message()).started())
        .containsExactly(new BatchKey("k", 1));
  }

  /**
   * Tests the delay before a start is reported: not before it passes, at the first flush after, and
   * never when the batch's result comes first.
   */
  @Test
  void reportsAStartOnlyAfterTheDelayAndOnlyWithoutAResult() {
    long[] now = {1_000};
    Outbox delayed = new Outbox(worker, Duration.ofMillis(5), () -> now[0]);
    assertThat(delayed.nextStartDue()).isEmpty();
    assertThat(delayed.started(coordinator, new BatchKey("j", 1))).isFalse();
    now[0] += Duration.ofMillis(2).toNanos();
    assertThat(delayed.started(coordinator, new BatchKey("j", 2))).isFalse();
    assertThat(delayed.nextStartDue()).contains(Duration.ofMillis(3));
    assertThat(delayed.flush()).isEmpty();

    delayed.result(coordinator, whole(2, 1)); // batch 2 ended: its result says it ran
    now[0] += Duration.ofMillis(4).toNanos();
    List<Outbox.Envelope> sent = delayed.flush();
    assertThat(((BatchProgress) sent.get(0).message()).started())
        .containsExactly(new BatchKey("j", 1));
    assertThat(((BatchProgress) sent.get(0).message()).parts())
        .extracting(BatchFinished::batchId)
        .containsExactly(2L);
    assertThat(delayed.nextStartDue()).isEmpty();
    assertThat(delayed.flush()).isEmpty();
  }
}
