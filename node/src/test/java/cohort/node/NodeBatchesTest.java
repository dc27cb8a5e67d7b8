package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.BatchProgress;
import cohort.protocol.TaskSpec;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.RunBatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The node's batch bookkeeping without a worker: nothing runs, the actions it asks for are
 * recorded, and what it reports is flushed to a probe standing in for the coordinator.
 */
class NodeBatchesTest {

  private static ActorTestKit testKit;
  private static ActorRef<WorkerProtocol.Command> worker;

  private final TaskRegistry registry = TaskRegistry.of(TestTasks.all());
  private final List<RunBatch> binds = new ArrayList<>();
  private final List<List<RunningBatch>> runs = new ArrayList<>();
  private final List<Integer> threads = new ArrayList<>();
  private int flushes;
  private int watches;
  private TestProbe<CoordinatorProtocol.Command> coordinator;
  private NodeBatches batches;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local"));
    worker = testKit.<WorkerProtocol.Command>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newBatches() {
    coordinator = testKit.createTestProbe();
    NodeBatches.Actions actions =
        new NodeBatches.Actions(
            binds::add, runs::add, threads::add, () -> flushes++, () -> watches++);
    batches =
        new NodeBatches(
            worker,
            1,
            new BatchRunner("n1:1", worker, new FileInputs()),
            new Watchdog("n1:1"),
            actions,
            LoggerFactory.getLogger(NodeBatchesTest.class));
  }

  private RunBatch batch(String job, long id, String task, long timeoutMillis) {
    List<JsonNode> inputs = List.of(LongNode.valueOf(1));
    return new RunBatch(
        job,
        id,
        new TaskSpec(task, Map.of()),
        0,
        inputs,
        1,
        timeoutMillis,
        coordinator.ref(),
        false);
  }

  /** Accepts a batch and binds its job's task, as the worker does when the bind comes back. */
  private void acceptBound(RunBatch batch) {
    batches.accept(batch);
    batches.taskBound(batch.jobId(), registry.bind(batch.task()), null);
  }

  /**
   * Flushes the outbox and returns the results the coordinator received, in order. A marker sent
   * after the flush, from the same thread, arrives after everything flushed.
   */
  private List<BatchFinished> flushed() {
    batches.flush();
    CoordinatorProtocol.NodeDraining marker = new CoordinatorProtocol.NodeDraining(worker);
    coordinator.ref().tell(marker);
    List<BatchFinished> parts = new ArrayList<>();
    while (true) {
      CoordinatorProtocol.Command message = coordinator.receiveMessage(Duration.ofSeconds(5));
      if (message.equals(marker)) {
        return parts;
      } else if (message instanceof BatchProgress progress) {
        parts.addAll(progress.parts());
      } else {
        parts.add((BatchFinished) message);
      }
    }
  }

  /** Tests that a job's task is bound once, and its batches wait for it before they run. */
  @Test
  void runsABatchOnceItsTaskIsBound() {
    batches.accept(batch("j", 1, "scale", 0));
    batches.accept(batch("j", 2, "scale", 0));
    batches.startQueued();
    assertThat(binds).extracting(RunBatch::batchId).containsExactly(1L);
    assertThat(runs).isEmpty();
    batches.taskBound("j", registry.bind(new TaskSpec("scale", Map.of())), null);
    assertThat(runs).singleElement().satisfies(run -> assertThat(run).hasSize(2));
    assertThat(watches).isZero();
    assertThat(batches.running()).isEqualTo(2);
  }

  /** Tests that a batch with a task timeout starts the watchdog. */
  @Test
  void watchesBatchesWithATimeout() {
    acceptBound(batch("j", 1, "scale", 100));
    assertThat(watches).isEqualTo(1);
  }

  /** Tests that a failed bind fails every queued batch of the job with the reason. */
  @Test
  void failsTheQueuedBatchesOfAJobThatDoesNotBind() {
    batches.accept(batch("j", 1, "scale", 0));
    batches.accept(batch("j", 2, "scale", 0));
    batches.taskBound("j", null, "task 'scale' took too long");
    assertThat(runs).isEmpty();
    assertThat(flushes).isEqualTo(1);
    assertThat(flushed())
        .hasSize(2)
        .allSatisfy(
            part ->
                assertThat(part.failures())
                    .singleElement()
                    .satisfies(f -> assertThat(f.error().message()).contains("took too long")));
    assertThat(batches.idle()).isTrue();
  }

  /**
   * Tests that a cancel drops what waits, in the queue or behind a running batch, interrupts what
   * runs, and drops a batch of the job that arrives later.
   */
  @Test
  void cancelDropsWhatWaitsAndInterruptsWhatRuns() {
    acceptBound(batch("c", 1, "wait", 0));
    batches.accept(batch("c", 2, "wait", 0));
    RunningBatch running = runs.get(0).get(0);
    batches.cancel("c");
    assertThat(running.control().cancelled()).isTrue();
    assertThat(watches).isEqualTo(1);
    assertThat(flushed()).extracting(BatchFinished::batchId).containsExactly(2L);
    batches.accept(batch("c", 3, "wait", 0));
    assertThat(flushed()).extracting(BatchFinished::batchId).containsExactly(3L);
    assertThat(batches.idle()).isFalse();
  }

  /** Tests that a batch's results are reported once, and a late report of it is ignored. */
  @Test
  void reportsEachBatchOnce() {
    acceptBound(batch("j", 1, "scale", 0));
    BatchKey key = new BatchKey("j", 1);
    BatchFinished result =
        new BatchFinished("j", 1, 0, List.of(LongNode.valueOf(1)), List.of(), true, 5, worker);
    batches.batchEnded(key, List.of(result), null);
    batches.batchEnded(key, List.of(result), null);
    assertThat(flushed()).containsExactly(result);
    batches.runEnded(runs.get(0).get(0).run());
    assertThat(threads).containsExactly(1);
    assertThat(batches.idle()).isTrue();
  }

  /** Tests that a slot that broke on a batch fails its every input with the reason. */
  @Test
  void reportsABrokenSlot() {
    acceptBound(batch("j", 1, "scale", 0));
    batches.batchEnded(new BatchKey("j", 1), null, new IllegalStateException("boom"));
    assertThat(flushed())
        .singleElement()
        .satisfies(
            part ->
                assertThat(part.failures().get(0).error().message())
                    .isEqualTo("the slot crashed: java.lang.IllegalStateException: boom"));
  }

  /**
   * Tests that a drain returns what waits, and once its grace is over gives up every thread once,
   * each batch reported once and one thread added per thread given up.
   */
  @Test
  void drainReturnsWhatWaitsAndGivesUpWhatRuns() {
    batches.accept(batch("d", 1, "wait", 0));
    batches.accept(batch("d", 2, "wait", 0));
    acceptBound(batch("d", 3, "wait", 0));
    assertThat(runs.get(0)).hasSize(3);
    assertThat(batches.returnUnstarted()).isEqualTo(2);
    assertThat(flushed()).extracting(BatchFinished::batchId).containsExactly(2L, 3L);
    batches.interruptAll();
    assertThat(runs.get(0).get(0).control().cancelled()).isTrue();
    batches.giveUpAll();
    batches.giveUpAll();
    assertThat(flushed()).extracting(BatchFinished::batchId).containsExactly(1L);
    assertThat(threads).containsExactly(2);
    assertThat(batches.idle()).isTrue();
    batches.runEnded(runs.get(0).get(0).run());
    assertThat(threads).containsExactly(2, 1);
  }

  /** Tests that a batch that arrives at a stopping node is refused: reported without running. */
  @Test
  void refusesBatches() {
    batches.refuse(List.of(batch("r", 1, "scale", 0)));
    assertThat(runs).isEmpty();
    assertThat(flushed())
        .singleElement()
        .satisfies(
            part -> {
              assertThat(part.batchId()).isEqualTo(1);
              assertThat(part.outputs()).isEmpty();
              assertThat(part.last()).isTrue();
            });
  }
}
