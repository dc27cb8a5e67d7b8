package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.BatchProgress;
import cohort.protocol.CoordinatorProtocol.StartRequested;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
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
            binds::add,
            runs::add,
            threads::add,
            () -> flushes++,
            delay -> flushes++,
            () -> watches++);
    batches =
        new NodeBatches(
            worker,
            1,
            new BatchRunner("n1:1", worker, new FileInputs()),
            new Watchdog("n1:1"),
            actions,
            LoggerFactory.getLogger(NodeBatchesTest.class),
            Duration.ZERO); // starts reported at once, so each test sees them
  }

  private RunBatch batch(String job, long id, String task, long timeoutMillis) {
    List<JsonNode> inputs = List.of(LongNode.valueOf(1));
    return new RunBatch(
        job,
        id,
        new TaskSpec(task, Map.of()),
        0,
        Values.of(inputs),
        1,
        timeoutMillis,
        coordinator.ref(),
        false);
  }

  /** Accepts a batch and binds its job's task, as the worker does when the bind comes back. */
  private void acceptBound(RunBatch batch) {
    batches.accept(batch);
    batches.taskBound(batch.jobId(), batch.task(), registry.bind(batch.task()), null);
  }

  /**
   * Flushes the outbox and returns the messages the coordinator received, in order. A marker sent
   * after the flush, from the same thread, arrives after everything flushed.
   */
  private List<CoordinatorProtocol.Command> sent() {
    batches.flush();
    CoordinatorProtocol.NodeDraining marker = new CoordinatorProtocol.NodeDraining(worker);
    coordinator.ref().tell(marker);
    List<CoordinatorProtocol.Command> messages = new ArrayList<>();
    for (var message = coordinator.receiveMessage(Duration.ofSeconds(5));
        !message.equals(marker);
        message = coordinator.receiveMessage(Duration.ofSeconds(5))) {
      messages.add(message);
    }
    return messages;
  }

  /** Flushes the outbox and returns the results the coordinator received, in order. */
  private List<BatchFinished> flushed() {
    List<BatchFinished> parts = new ArrayList<>();
    for (CoordinatorProtocol.Command message : sent()) {
      if (message instanceof BatchProgress progress) {
        parts.addAll(progress.parts());
      } else if (message instanceof BatchFinished part) {
        parts.add(part);
      }
    }
    return parts;
  }

  private static BatchFinished result(RunBatch batch, long output) {
    return new BatchFinished(
        batch.jobId(),
        batch.batchId(),
        0,
        Values.of(List.of(LongNode.valueOf(output))),
        List.of(),
        true,
        5,
        worker);
  }

  private RunBatch confirming(String job, long id) {
    RunBatch batch = batch(job, id, "scale", 0);
    return new RunBatch(
        job, id, batch.task(), 0, Values.of(batch.inputs()), 2, 0, coordinator.ref(), true);
  }

  /** Tests that a job's task is bound once, and its batches wait for it before they run. */
  @Test
  void runsABatchOnceItsTaskIsBound() {
    batches.accept(batch("j", 1, "scale", 0));
    batches.accept(batch("j", 2, "scale", 0));
    batches.startQueued();
    assertThat(binds).extracting(RunBatch::batchId).containsExactly(1L);
    assertThat(runs).isEmpty();
    batches.taskBound(
        "j", new TaskSpec("scale", Map.of()), registry.bind(new TaskSpec("scale", Map.of())), null);
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
    batches.taskBound("j", new TaskSpec("scale", Map.of()), null, "task 'scale' took too long");
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
        new BatchFinished(
            "j", 1, 0, Values.of(List.of(LongNode.valueOf(1))), List.of(), true, 5, worker);
    batches.batchEnded(key, List.of(result), null, null);
    batches.batchEnded(key, List.of(result), null, null);
    assertThat(flushed()).containsExactly(result);
    batches.runEnded(runs.get(0).get(0).run());
    assertThat(threads).containsExactly(1);
    assertThat(batches.idle()).isTrue();
  }

  /** Tests that a slot that broke on a batch fails its every input with the reason. */
  @Test
  void reportsABrokenSlot() {
    acceptBound(batch("j", 1, "scale", 0));
    batches.batchEnded(new BatchKey("j", 1), null, new IllegalStateException("boom"), null);
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

  /**
   * Tests that each batch of a run is reported started before its result: the first as the run is
   * handed over, a later one with the report of the batch before it, in a BatchProgress that goes
   * first.
   */
  @Test
  void reportsStartsBeforeResults() {
    RunBatch first = batch("s", 1, "scale", 0);
    RunBatch second = batch("s", 2, "scale", 0);
    batches.accept(first);
    acceptBound(second);
    assertThat(runs.get(0)).hasSize(2);
    assertThat(sent())
        .singleElement()
        .satisfies(
            m -> {
              BatchProgress progress = (BatchProgress) m;
              assertThat(progress.started()).containsExactly(new BatchKey("s", 1));
              assertThat(progress.parts()).isEmpty();
            });

    batches.batchEnded(new BatchKey("s", 1), List.of(result(first, 1)), null, new BatchKey("s", 2));
    batches.batchEnded(new BatchKey("s", 2), List.of(result(second, 2)), null, null);
    assertThat(sent())
        .singleElement()
        .satisfies(
            m -> {
              BatchProgress progress = (BatchProgress) m;
              assertThat(progress.started()).containsExactly(new BatchKey("s", 2));
              assertThat(progress.parts()).containsExactly(result(first, 1), result(second, 2));
            });
  }

  /**
   * Tests that a batch that must confirm its start holds the slot and asks at once, runs alone once
   * confirmed, with no start report of its own, and that the slot then serves the queue.
   */
  @Test
  void runsAConfirmedBatchOnlyOnceConfirmed() {
    RunBatch again = confirming("c", 1);
    batches.accept(again);
    acceptBound(batch("c", 2, "scale", 0));
    assertThat(runs).isEmpty();
    assertThat(coordinator.receiveMessage(Duration.ofSeconds(5)))
        .isEqualTo(new StartRequested(worker, new BatchKey("c", 1)));
    assertThat(batches.idle()).isFalse();

    batches.startConfirmed(new BatchKey("c", 1), true);
    assertThat(runs).singleElement().satisfies(run -> assertThat(run).hasSize(1));
    assertThat(runs.get(0).get(0).batch()).isEqualTo(again);
    batches.startConfirmed(new BatchKey("c", 1), true);
    assertThat(runs).hasSize(1);
    assertThat(sent()).isEmpty();

    batches.batchEnded(new BatchKey("c", 1), List.of(result(again, 1)), null, null);
    batches.runEnded(runs.get(0).get(0).run());
    assertThat(runs).hasSize(2);
    assertThat(runs.get(1).get(0).batch().batchId()).isEqualTo(2);
  }

  /** Tests that a batch that confirms its start ends a run of small batches before it. */
  @Test
  void neverRunsAConfirmedBatchWithOthers() {
    batches.accept(batch("c", 1, "scale", 0));
    batches.accept(confirming("c", 2));
    acceptBound(batch("c", 3, "scale", 0));
    assertThat(runs).singleElement().satisfies(run -> assertThat(run).hasSize(1));
    batches.batchEnded(
        new BatchKey("c", 1), List.of(result(batch("c", 1, "scale", 0), 1)), null, null);
    batches.runEnded(runs.get(0).get(0).run());
    assertThat(runs).hasSize(1);
    assertThat(coordinator.receiveMessage(Duration.ofSeconds(5)))
        .isInstanceOf(StartRequested.class);
  }

  /** Tests that a declined start frees the slot and reports the batch dropped. */
  @Test
  void dropsABatchWhoseStartIsDeclined() {
    batches.accept(confirming("c", 1));
    acceptBound(batch("c", 2, "scale", 0));
    coordinator.receiveMessage(Duration.ofSeconds(5));
    batches.startConfirmed(new BatchKey("c", 1), false);
    assertThat(runs.get(0).get(0).batch().batchId()).isEqualTo(2);
    assertThat(flushed())
        .singleElement()
        .satisfies(
            part -> {
              assertThat(part.batchId()).isEqualTo(1);
              assertThat(part.outputs()).isEmpty();
              assertThat(part.last()).isTrue();
            });
  }

  /**
   * Tests that a cancel, a drain and a stop each drop a batch held for its start confirmation and
   * free its slot; a late confirmation then runs nothing.
   */
  @Test
  void dropsAHeldBatchOnCancelDrainAndStop() {
    batches.accept(confirming("x", 1));
    batches.taskBound(
        "x", new TaskSpec("scale", Map.of()), registry.bind(new TaskSpec("scale", Map.of())), null);
    coordinator.receiveMessage(Duration.ofSeconds(5));
    batches.cancel("x");
    assertThat(flushed()).extracting(BatchFinished::batchId).containsExactly(1L);
    assertThat(batches.idle()).isTrue();
    batches.startConfirmed(new BatchKey("x", 1), true);
    assertThat(runs).isEmpty();

    batches.accept(confirming("y", 1));
    batches.startQueued(); // as the worker does: the task is known from job x, no bind waits
    coordinator.receiveMessage(Duration.ofSeconds(5));
    assertThat(batches.returnUnstarted()).isEqualTo(1);
    assertThat(flushed()).extracting(BatchFinished::batchId).containsExactly(1L);
    assertThat(batches.idle()).isTrue();

    batches.accept(confirming("z", 1));
    batches.startQueued(); // as the worker does: the task is known from job x, no bind waits
    coordinator.receiveMessage(Duration.ofSeconds(5));
    batches.stop();
    assertThat(flushed()).extracting(BatchFinished::batchId).containsExactly(1L);
    assertThat(batches.idle()).isTrue();
  }

  /**
   * Tests that a node gives back what has not started, including a batch held for its start
   * confirmation, keeps what runs, reports none of it, and that a slot freed this way takes the
   * next batch.
   */
  @Test
  void givesBackOnlyWhatHasNotStarted() {
    acceptBound(batch("g", 1, "wait", 0));
    batches.accept(batch("g", 2, "wait", 0));
    batches.accept(batch("g", 3, "wait", 0));
    List<BatchKey> given =
        batches.giveBack(List.of(new BatchKey("g", 1), new BatchKey("g", 3), new BatchKey("h", 9)));
    assertThat(given).containsExactly(new BatchKey("g", 3));
    assertThat(runs).singleElement().satisfies(run -> assertThat(run).hasSize(1));
    assertThat(flushed()).extracting(BatchFinished::batchId).doesNotContain(3L);
    batches.batchEnded(
        new BatchKey("g", 1), List.of(result(batch("g", 1, "wait", 0), 1)), null, null);
    batches.runEnded(runs.get(0).get(0).run());
    assertThat(runs).hasSize(2);
    assertThat(runs.get(1).get(0).batch().batchId()).isEqualTo(2);
    batches.batchEnded(
        new BatchKey("g", 2), List.of(result(batch("g", 2, "wait", 0), 1)), null, null);
    batches.runEnded(runs.get(1).get(0).run());

    batches.accept(confirming("k", 1));
    batches.taskBound(
        "k", new TaskSpec("scale", Map.of()), registry.bind(new TaskSpec("scale", Map.of())), null);
    assertThat(coordinator.receiveMessage(Duration.ofSeconds(5)))
        .isInstanceOf(StartRequested.class);
    assertThat(batches.giveBack(List.of(new BatchKey("k", 1))))
        .containsExactly(new BatchKey("k", 1));
    batches.startConfirmed(new BatchKey("k", 1), true);
    assertThat(runs).hasSize(2);
    assertThat(flushed()).extracting(BatchFinished::batchId).containsExactly(1L, 2L);
    assertThat(batches.idle()).isTrue();
  }
}
