package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchProgress;
import cohort.protocol.CounterDeltas;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.RunBatch;
import cohort.task.Counter;
import cohort.task.NoParams;
import cohort.task.TaskContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
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

/** What a batch's tasks add to counters, as it leaves the node with their results. */
class BatchRunnerCountersTest {

  private static ActorTestKit testKit;
  private static ActorRef<WorkerProtocol.Command> worker;
  private static ActorRef<CoordinatorProtocol.Command> coordinator;

  /** The last counter the task got, to use after it returned. */
  private static final AtomicReference<Counter> KEPT = new AtomicReference<>();

  /**
   * Counts "seen" and adds its input to "sum", from two threads; then by input: 13 throws, -1 asks
   * for a bad name, -2 overflows, -3 uses a 101st name of the job, -4 keeps its counter.
   */
  static final class CountingTask extends TestTasks.LongTask<Long> {
    CountingTask() {
      super("counting", "counts its inputs");
    }

    @Override
    public Long run(Long input, NoParams params, TaskContext context) throws Exception {
      context.counter("seen").increment();
      Thread helper = new Thread(() -> context.counter("sum").add(input));
      helper.start();
      helper.join();
      if (input == 13) {
        throw new IllegalStateException("thirteen");
      } else if (input == -1) {
        context.counter("no spaces");
      } else if (input == -2) {
        Counter big = context.counter("big");
        big.add(Long.MAX_VALUE);
        big.add(1);
      } else if (input == -3) {
        for (int i = 0; i < 101; i++) {
          context.counter("c" + i);
        }
      } else if (input == -4) {
        KEPT.set(context.counter("kept"));
      }
      return input;
    }
  }

  private final TaskRegistry registry = TaskRegistry.of(List.of(new CountingTask()));
  private final BatchRunner runner = new BatchRunner("n1:1", worker, new FileInputs());

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("cohort", ConfigFactory.load("application-test"));
    worker = testKit.<WorkerProtocol.Command>createTestProbe().ref();
    coordinator = testKit.<CoordinatorProtocol.Command>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private BatchFinished run(String job, long... inputs) {
    List<JsonNode> values = new ArrayList<>();
    for (long v : inputs) {
      values.add(LongNode.valueOf(v));
    }
    RunBatch batch =
        new RunBatch(
            job,
            7,
            new TaskSpec("counting", Map.of()),
            100,
            Values.of(values),
            1,
            0,
            coordinator,
            false);
    List<BatchFinished> parts = runner.run(batch, registry.bind(batch.task()), new BatchControl());
    assertThat(parts).hasSize(1);
    return parts.get(0);
  }

  /** The deltas by offset, then name. */
  private static Map<Integer, Map<String, Long>> byInput(CounterDeltas deltas) {
    Map<Integer, Map<String, Long>> map = new TreeMap<>();
    for (int i = 0; i < deltas.size(); i++) {
      map.computeIfAbsent(deltas.offsets()[i], o -> new TreeMap<>())
          .put(deltas.name(i), deltas.deltas()[i]);
    }
    return map;
  }

  /**
   * Tests that each input's additions, from the task's threads too, travel with its result, a
   * failed input's included, so the coordinator can count each one once.
   */
  @Test
  void additionsTravelPerInput() {
    BatchFinished part = run("j-a", 2, 13, 5);
    assertThat(part.failures()).hasSize(1);
    assertThat(byInput(part.counters()))
        .containsExactly(
            Map.entry(0, Map.of("seen", 1L, "sum", 2L)),
            Map.entry(1, Map.of("seen", 1L, "sum", 13L)),
            Map.entry(2, Map.of("seen", 1L, "sum", 5L)));
  }

  /** Tests that a bad name, an overflow and a 101st name fail the input with a plain message. */
  @Test
  void misuseFailsTheInput() {
    BatchFinished part = run("j-b", -1, -2, -3);
    assertThat(part.failures()).hasSize(3);
    assertThat(part.failures().get(0).error().message())
        .contains("'no spaces' is not a counter name")
        .contains("letters, digits");
    assertThat(part.failures().get(1).error().message())
        .contains("counter 'big'")
        .contains("passes the range of a counter");
    assertThat(part.failures().get(2).error().message())
        .contains("counter 'c97' would be counter number 101 of the job")
        .contains("at most 100 counter names");
    // The failed attempts' additions still travel: the coordinator decides what counts.
    assertThat(byInput(part.counters()).get(0)).containsEntry("seen", 1L);
  }

  /** Tests that a counter used after its task returned refuses the addition. */
  @Test
  void addsAfterReturnAreRefused() {
    BatchFinished part = run("j-c", -4);
    assertThat(byInput(part.counters()).get(0)).containsEntry("kept", 0L);
    assertThatThrownBy(() -> KEPT.get().add(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("after its task returned");
  }

  /** Tests that results without counters carry none, and with them survive the trip as CBOR. */
  @Test
  void deltasTravelAsCbor() {
    BatchFinished part = run("j-d", 4, 6);
    BatchFinished back = (BatchFinished) roundTrip(part);
    assertThat(byInput(back.counters())).isEqualTo(byInput(part.counters()));
    BatchProgress progress =
        (BatchProgress) roundTrip(BatchProgress.of(worker, List.of(part), List.of()));
    assertThat(byInput(progress.parts().get(0).counters())).isEqualTo(byInput(part.counters()));
    BatchFinished plain = new BatchFinished("j", 1, 0, Values.empty(), List.of(), true, 0, worker);
    assertThat(((BatchFinished) roundTrip(plain)).counters()).isNull();
    BatchProgress none =
        (BatchProgress) roundTrip(BatchProgress.of(worker, List.of(plain), List.of()));
    assertThat(none.counters()).isNull();
    assertThat(none.parts().get(0).counters()).isNull();
  }

  private static Object roundTrip(Object message) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    Serializer serializer = serialization.findSerializerFor(message);
    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }
}
