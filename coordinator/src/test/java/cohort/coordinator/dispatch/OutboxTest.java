package cohort.coordinator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.Payloads;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol.RunBatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OutboxTest {

  private static ActorTestKit testKit;
  private static ActorRef<CoordinatorProtocol.Command> coordinator;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local"));
    coordinator = testKit.<CoordinatorProtocol.Command>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static RunBatch batch(long id, List<JsonNode> inputs, boolean confirm) {
    return new RunBatch(
        "j",
        id,
        new TaskSpec("echo", Map.of()),
        id * 100,
        Values.of(inputs),
        confirm ? 2 : 1,
        0,
        coordinator,
        confirm);
  }

  private static List<JsonNode> longs(int n) {
    return new ArrayList<>(Collections.nCopies(n, LongNode.valueOf(1)));
  }

  /**
   * Tests that a node receives its batches in the order they were chosen: a large batch or one that
   * confirms its start travels alone, in its place, never ahead of smaller ones chosen before it.
   */
  @Test
  void keepsTheOrderBatchesWereChosenIn() {
    List<RunBatch> chosen =
        List.of(
            batch(1, longs(1), false),
            batch(2, longs(1), false),
            batch(3, longs(100), false),
            batch(4, longs(2), false),
            batch(5, longs(1), true),
            batch(6, longs(1), false));
    List<List<RunBatch>> messages = Outbox.groups(chosen);
    assertThat(messages.stream().map(m -> m.stream().map(RunBatch::batchId).toList()).toList())
        .containsExactly(List.of(1L, 2L), List.of(3L), List.of(4L), List.of(5L), List.of(6L));
  }

  /** Tests that small batches share a message up to 64, and never beyond the message size. */
  @Test
  void smallBatchesShareMessagesWithinBounds() {
    List<RunBatch> tiny = new ArrayList<>();
    for (int i = 0; i < 130; i++) {
      tiny.add(batch(i, longs(1), false));
    }
    assertThat(Outbox.groups(tiny)).extracting(List::size).containsExactly(64, 64, 2);

    List<RunBatch> large = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      large.add(batch(i, List.of(TextNode.valueOf("x".repeat(40_000))), false));
    }
    for (List<RunBatch> message : Outbox.groups(large)) {
      long bytes = 0;
      for (RunBatch run : message) {
        bytes += Payloads.estimateBytes(run.inputs().get(0));
      }
      assertThat(bytes).isLessThanOrEqualTo(Payloads.TARGET_MESSAGE_BYTES);
    }
  }
}
