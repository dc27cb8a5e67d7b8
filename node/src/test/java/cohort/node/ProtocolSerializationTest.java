package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ParamInfo;
import cohort.api.TaskError;
import cohort.api.TaskInfo;
import cohort.protocol.CborSerializable;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchProgress;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import cohort.protocol.CoordinatorProtocol.RegisterNode;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.CancelJob;
import cohort.protocol.WorkerProtocol.CheckTask;
import cohort.protocol.WorkerProtocol.Registered;
import cohort.protocol.WorkerProtocol.RegistrationRefused;
import cohort.protocol.WorkerProtocol.RunBatch;
import cohort.protocol.WorkerProtocol.RunBatches;
import cohort.protocol.WorkerProtocol.TaskChecked;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every message that crosses JVMs goes through Jackson CBOR and comes back equal. */
class ProtocolSerializationTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("cohort", ConfigFactory.load("application-test"));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Object roundTrip(Object message) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    Serializer serializer = serialization.findSerializerFor(message);
    assertThat(serializer.getClass().getName()).contains("JacksonCborSerializer");
    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }

  /**
   * Tests that the batches a node is told to drop travel in parts of at most {@code MAX_BATCHES},
   * in order, each serialized well within a message's size even with long job ids.
   */
  @Test
  void droppedBatchesTravelInPartsWithinAMessage() {
    List<CoordinatorProtocol.BatchKey> keys = new ArrayList<>();
    for (long i = 0; i < 2_500; i++) {
      keys.add(new CoordinatorProtocol.BatchKey("job-" + "x".repeat(60) + (i % 7), 1L << 40 | i));
    }
    List<WorkerProtocol.DropBatches> parts = WorkerProtocol.DropBatches.inParts(keys);
    assertThat(parts).extracting(part -> part.batches().size()).containsExactly(1000, 1000, 500);
    assertThat(parts.stream().flatMap(part -> part.batches().stream()).toList()).isEqualTo(keys);
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    for (WorkerProtocol.DropBatches part : parts) {
      assertThat(serialization.serialize(part).get().length)
          .isLessThan(cohort.protocol.Payloads.TARGET_MESSAGE_BYTES);
      assertThat(roundTrip(part)).isEqualTo(part);
    }
    assertThat(WorkerProtocol.DropBatches.inParts(List.of())).isEmpty();
  }

  /** Tests that every protocol record survives the trip, JSON values and actor refs included. */
  @Test
  void everyMessageRoundTrips() {
    ActorRef<WorkerProtocol.Command> worker =
        testKit.<WorkerProtocol.Command>createTestProbe().ref();
    ActorRef<CoordinatorProtocol.Command> coordinator =
        testKit.<CoordinatorProtocol.Command>createTestProbe().ref();
    ActorRef<TaskChecked> checked = testKit.<TaskChecked>createTestProbe().ref();
    JsonNode object = JsonNodeFactory.instance.objectNode().put("start", 1).put("end", 9);
    List<JsonNode> values =
        List.of(
            object,
            TextNode.valueOf("ünïcode"),
            BigIntegerNode.valueOf(new BigInteger("123456789012345678901234567890")),
            DecimalNode.valueOf(new BigDecimal("0.10")),
            NullNode.getInstance());
    TaskSpec spec = new TaskSpec("sum-range", Map.of("size", TextNode.valueOf("75x75")));
    TaskError error = new TaskError("java.lang.IllegalStateException", "boom", "n:1", 2, "trace");
    List<CborSerializable> messages =
        List.of(
            new RunBatch("j-1", 3, spec, 10, Values.of(values), 2, 5000, coordinator, false),
            new CancelJob("j-1"),
            new WorkerProtocol.DropBatches(
                List.of(
                    new CoordinatorProtocol.BatchKey("j-1", 3),
                    new CoordinatorProtocol.BatchKey("j-2", 4))),
            new CheckTask(spec, checked),
            new CheckTask(spec, values, checked),
            new TaskChecked(null),
            new TaskChecked("bad"),
            new TaskChecked(null, "task 'sum-range' takes object inputs, not 0"),
            new Registered("c:1", "http://127.0.0.1:8470", "abc"),
            new RegistrationRefused("version"),
            new RegisterNode(
                worker,
                4,
                List.of(
                    new TaskInfo(
                        "scale",
                        "d",
                        "integer",
                        List.of(new ParamInfo("factor", "integer", null)),
                        "sum",
                        null)),
                CoordinatorProtocol.VERSION,
                "127.0.0.1:4711"),
            new RegisterNode(
                worker,
                2,
                List.of(),
                CoordinatorProtocol.VERSION,
                null,
                true,
                List.of("gpu=a100", "zone=a")),
            new BatchFinished(
                "j-1",
                3,
                2,
                Values.of(values),
                List.of(new InputFailure(4, FailureKind.TIMEOUT, error)),
                true,
                99,
                worker),
            new CoordinatorProtocol.NodeStats(worker, 12_345_678, 536_870_912, 0.25));
    for (CborSerializable message : messages) {
      assertThat(roundTrip(message)).as(message.getClass().getSimpleName()).isEqualTo(message);
    }
  }

  /** Tests that coalesced batches and results travel columnar and unpack to the same records. */
  @Test
  void coalescedMessagesRoundTrip() {
    ActorRef<WorkerProtocol.Command> worker =
        testKit.<WorkerProtocol.Command>createTestProbe().ref();
    ActorRef<CoordinatorProtocol.Command> coordinator =
        testKit.<CoordinatorProtocol.Command>createTestProbe().ref();
    TaskSpec echo = new TaskSpec("echo", Map.of());
    TaskSpec sleep = new TaskSpec("sleep", Map.of("ms", TextNode.valueOf("5")));
    List<RunBatch> batches =
        List.of(
            new RunBatch(
                "j-1",
                1,
                echo,
                0,
                Values.of(List.of(TextNode.valueOf("a"), TextNode.valueOf("b"))),
                1,
                0,
                coordinator,
                false),
            new RunBatch(
                "j-2",
                7,
                sleep,
                40,
                Values.of(List.of(TextNode.valueOf("c"))),
                2,
                900,
                coordinator,
                false),
            new RunBatch("j-1", 2, echo, 2, Values.of(List.of()), 1, 0, coordinator, false));
    RunBatches sent = (RunBatches) roundTrip(RunBatches.of(batches));
    assertThat(sent.jobs()).containsExactly("j-1", "j-2");
    assertThat(sent.batches()).isEqualTo(batches);

    TaskError error = new TaskError("java.lang.RuntimeException", "no", "n:1", 1, null);
    List<BatchFinished> parts =
        List.of(
            new BatchFinished(
                "j-1",
                1,
                0,
                Values.of(List.of(TextNode.valueOf("a"), TextNode.valueOf("b"))),
                List.of(),
                true,
                10,
                worker),
            new BatchFinished(
                "j-2",
                7,
                0,
                Values.of(List.of(TextNode.valueOf("c"))),
                List.of(),
                true,
                20,
                worker));
    assertThat(parts).allMatch(BatchProgress::fits);
    assertThat(
            BatchProgress.fits(
                new BatchFinished(
                    "j-3",
                    1,
                    0,
                    Values.of(List.of()),
                    List.of(new InputFailure(0, FailureKind.TASK, error)),
                    true,
                    1,
                    worker)))
        .as("failures travel alone")
        .isFalse();
    BatchProgress back = (BatchProgress) roundTrip(BatchProgress.of(worker, parts, List.of()));
    assertThat(back.parts()).isEqualTo(parts);
  }
}
