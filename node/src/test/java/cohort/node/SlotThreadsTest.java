package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.RunBatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Slot threads running real batches, their reports collected in a queue instead of an actor. */
class SlotThreadsTest {

  private static ActorTestKit testKit;
  private static ActorRef<WorkerProtocol.Command> worker;
  private static ActorRef<CoordinatorProtocol.Command> coordinator;

  private final TaskRegistry registry = TaskRegistry.of(TestTasks.all());
  private final ThreadPoolExecutor executor = NodeApp.slotExecutor(1);
  private final BlockingQueue<Object> reports = new LinkedBlockingQueue<>();
  private final SlotThreads threads =
      new SlotThreads(
          executor,
          new BatchRunner("n1:1", worker, new FileInputs()),
          (batch, parts, failure, next) -> reports.add(new Ended(batch, parts, failure, next)),
          reports::add);

  private record Ended(
      BatchKey batch, List<BatchFinished> parts, Throwable failure, BatchKey next) {}

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

  @AfterEach
  void shutdown() {
    threads.shutdown();
  }

  private RunningBatch batch(long id, long run, String task, long... inputs) {
    List<JsonNode> values =
        java.util.Arrays.stream(inputs).mapToObj(v -> (JsonNode) LongNode.valueOf(v)).toList();
    TaskSpec spec = new TaskSpec(task, Map.of());
    RunBatch batch = new RunBatch("j", id, spec, 0, Values.of(values), 1, 0, coordinator, false);
    return new RunningBatch(batch, new BatchControl(), run, registry.bind(spec));
  }

  private Object next() throws InterruptedException {
    Object report = reports.poll(5, TimeUnit.SECONDS);
    assertThat(report).as("a report within 5 s").isNotNull();
    return report;
  }

  /**
   * Tests that a thread runs its run's batches in order and reports each with the batch it took up
   * next, which can no longer be withdrawn, then the run's end.
   */
  @Test
  void runsARunInOrder() throws Exception {
    List<RunningBatch> run = List.of(batch(1, 7, "scale", 1, 2), batch(2, 7, "scale", 3));
    run.get(0).control().takeUp();
    threads.start(run);
    Ended first = (Ended) next();
    assertThat(first.batch()).isEqualTo(new BatchKey("j", 1));
    assertThat(first.next()).isEqualTo(new BatchKey("j", 2));
    assertThat(run.get(1).control().withdraw()).as("taken up").isFalse();
    assertThat(first.parts().get(0).outputs())
        .extracting(JsonNode::longValue)
        .containsExactly(1L, 2L);
    Ended second = (Ended) next();
    assertThat(second.batch()).isEqualTo(new BatchKey("j", 2));
    assertThat(second.next()).isNull();
    assertThat(next()).isEqualTo(7L);
  }

  /** Tests that a batch withdrawn before its thread got to it is skipped, not named next. */
  @Test
  void skipsAWithdrawnBatch() throws Exception {
    List<RunningBatch> run =
        List.of(batch(1, 7, "scale", 1), batch(2, 7, "scale", 2), batch(3, 7, "scale", 3));
    run.get(0).control().takeUp();
    assertThat(run.get(1).control().withdraw()).isTrue();
    threads.start(run);
    Ended first = (Ended) next();
    assertThat(first.batch()).isEqualTo(new BatchKey("j", 1));
    assertThat(first.next()).isEqualTo(new BatchKey("j", 3));
    assertThat(((Ended) next()).batch()).isEqualTo(new BatchKey("j", 3));
    assertThat(next()).isEqualTo(7L);
  }

  /** Tests that a failure outside any input (here a batch without a task) is reported as such. */
  @Test
  void reportsABrokenSlot() throws Exception {
    RunningBatch good = batch(1, 7, "scale", 1);
    RunningBatch broken =
        new RunningBatch(batch(2, 7, "scale", 2).batch(), new BatchControl(), 7, null);
    good.control().takeUp();
    threads.start(List.of(good, broken));
    assertThat(((Ended) next()).failure()).isNull();
    Ended ended = (Ended) next();
    assertThat(ended.batch()).isEqualTo(new BatchKey("j", 2));
    assertThat(ended.parts()).isNull();
    assertThat(ended.failure()).isInstanceOf(NullPointerException.class);
    assertThat(next()).isEqualTo(7L);
  }

  /** Tests that the pool grows and shrinks to the threads asked for. */
  @Test
  void resizesThePool() {
    threads.resize(3);
    assertThat(executor.getMaximumPoolSize()).isEqualTo(3);
    assertThat(executor.getCorePoolSize()).isEqualTo(3);
    threads.resize(1);
    assertThat(executor.getMaximumPoolSize()).isEqualTo(1);
    assertThat(executor.getCorePoolSize()).isEqualTo(1);
  }
}
