package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.node.TestTasks.SlowCheckTask;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import cohort.protocol.CoordinatorProtocol.NodeDraining;
import cohort.protocol.CoordinatorProtocol.RegisterNode;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.CheckTask;
import cohort.protocol.WorkerProtocol.RunBatch;
import cohort.protocol.WorkerProtocol.TaskChecked;
import cohort.task.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Timeouts, stuck tasks and draining, each against a fresh one-slot worker. */
class WorkerFaultsTest {

  private static ActorTestKit testKit;
  private static TestProbe<CoordinatorProtocol.Command> coordinator;
  private TestProbe<CoordinatorProtocol.Command> results;
  private ThreadPoolExecutor executor;
  private ActorRef<WorkerProtocol.Command> worker;

  @BeforeAll
  static void start() {
    testKit = TestCluster.start();
    coordinator = testKit.createTestProbe();
    testKit
        .system()
        .receptionist()
        .tell(Receptionist.register(CoordinatorProtocol.SERVICE_KEY, coordinator.ref()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newWorker() {
    TestTasks.resetStarted();
    results = testKit.createTestProbe();
    executor = NodeApp.slotExecutor(1);
    worker =
        testKit.spawn(
            Worker.create(
                new WorkerSetup(
                    1,
                    TaskRegistry.of(tasks()),
                    executor,
                    new CompletableFuture<>(),
                    null,
                    new NodeAccess(),
                    Outbox.START_REPORT_DELAY)));
  }

  /** The test tasks, and one whose validate is slow. */
  private static List<Task<?, ?, ?>> tasks() {
    List<Task<?, ?, ?>> tasks = new ArrayList<>(TestTasks.all());
    tasks.add(new SlowCheckTask());
    return tasks;
  }

  private RunBatch batch(String job, long id, String task, long timeoutMillis, long... inputs) {
    List<JsonNode> values =
        Arrays.stream(inputs).mapToObj(v -> (JsonNode) LongNode.valueOf(v)).toList();
    return new RunBatch(
        job,
        id,
        new TaskSpec(task, Map.of()),
        0,
        Values.of(values),
        1,
        timeoutMillis,
        results.ref(),
        false);
  }

  /**
   * Results received but not yet taken: small ones may arrive coalesced, and a BatchProgress may
   * carry starts only.
   */
  private final java.util.ArrayDeque<BatchFinished> pending = new java.util.ArrayDeque<>();

  private BatchFinished finished(Duration within) {
    while (pending.isEmpty()) {
      CoordinatorProtocol.Command message = results.receiveMessage(within);
      if (message instanceof CoordinatorProtocol.BatchProgress many) {
        pending.addAll(many.parts());
      } else {
        pending.add((BatchFinished) message);
      }
    }
    return pending.poll();
  }

  /** Tests that an input past its timeout is interrupted and reported, and the batch goes on. */
  @Test
  void interruptsAnInputPastItsTimeout() {
    worker.tell(batch("t", 1, "wait", 200, 60_000, 1));
    BatchFinished part = finished(Duration.ofSeconds(5));
    assertThat(part.last()).isTrue();
    assertThat(part.outputs()).hasSize(2);
    assertThat(part.outputs().get(1).textValue()).isEqualTo("slept");
    InputFailure failure = part.failures().get(0);
    assertThat(failure.offset()).isZero();
    assertThat(failure.kind()).isEqualTo(FailureKind.TIMEOUT);
    assertThat(failure.error().type()).isEqualTo("cohort.TimedOut");
    assertThat(failure.error().message()).startsWith("ran longer than the task timeout of 200 ms");
  }

  /**
   * Tests that a task which ignores its interrupt is given up: its input is reported, the slot is
   * replaced so the next batch runs at once, and the node keeps its capacity.
   */
  @Test
  void givesUpAStuckThreadAndReplacesTheSlot() {
    worker.tell(batch("s", 1, "stubborn", 100, 1, 20_000, 1));
    // Batch 2 waits in the queue, not in the stuck thread's run, which would return it unrun.
    TestTasks.awaitStarted(1);
    worker.tell(batch("s2", 2, "scale", 0, 7));
    BatchFinished stuck = finished(Duration.ofSeconds(5));
    assertThat(stuck.batchId()).isEqualTo(1);
    assertThat(stuck.outputs()).isEmpty();
    assertThat(stuck.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.offset()).isEqualTo(1);
              assertThat(f.kind()).isEqualTo(FailureKind.TIMEOUT);
              assertThat(f.error().type()).isEqualTo("cohort.TaskAbandoned");
              assertThat(f.error().trace()).contains("StubbornTask.run");
            });
    BatchFinished next = finished(Duration.ofSeconds(5));
    assertThat(next.batchId()).isEqualTo(2);
    assertThat(next.failures()).isEmpty();
    assertThat(next.outputs().get(0).longValue()).isEqualTo(7);
    assertThat(executor.getMaximumPoolSize()).isEqualTo(2);
  }

  /** Tests that a cancelled task that ignores the cancel frees its slot within a second. */
  @Test
  void cancelFreesAStuckSlot() {
    worker.tell(batch("c", 1, "stubborn", 0, 20_000));
    TestTasks.awaitStarted(1);
    worker.tell(new WorkerProtocol.CancelJob("c"));
    BatchFinished freed = finished(Duration.ofSeconds(1));
    assertThat(freed.last()).isTrue();
    assertThat(freed.outputs()).isEmpty();
  }

  /**
   * Tests that a drain returns queued batches at once, finishes the running one, tells the
   * coordinator, refuses new work, and then answers.
   */
  @Test
  void drainFinishesRunningAndReturnsQueued() {
    worker.tell(batch("d", 1, "wait", 0, 300));
    worker.tell(batch("d", 2, "wait", 0, 300));
    TestTasks.awaitStarted(1); // batch 1 runs on the one slot, batch 2 waits in its queue
    // The worker finds the coordinator through the receptionist, some time after it starts: it
    // can only say that it drains to a coordinator it has registered with.
    awaitRegistration();
    TestProbe<Done> drained = testKit.createTestProbe();
    worker.tell(new Worker.Drain(Duration.ofSeconds(10), drained.ref()));
    BatchFinished returned = finished(Duration.ofSeconds(1));
    assertThat(returned.batchId()).isEqualTo(2);
    assertThat(returned.outputs()).isEmpty();
    worker.tell(batch("d", 3, "wait", 0, 1));
    assertThat(finished(Duration.ofSeconds(1)).batchId()).isEqualTo(3);
    BatchFinished done = finished(Duration.ofSeconds(5));
    assertThat(done.batchId()).isEqualTo(1);
    assertThat(done.outputs().get(0).textValue()).isEqualTo("slept");
    drained.expectMessage(Duration.ofSeconds(5), Done.getInstance());
    assertThat(receivedDraining()).isTrue();
  }

  /** Tests that a drain that runs out of time interrupts what runs and still answers. */
  @Test
  void drainTimeoutInterruptsRunningBatches() {
    worker.tell(batch("e", 1, "wait", 0, 60_000, 1));
    TestTasks.awaitStarted(1);
    TestProbe<Done> drained = testKit.createTestProbe();
    worker.tell(new Worker.Drain(Duration.ofMillis(200), drained.ref()));
    BatchFinished stopped = finished(Duration.ofSeconds(5));
    assertThat(stopped.last()).isTrue();
    assertThat(stopped.outputs()).isEmpty();
    drained.expectMessage(Duration.ofSeconds(5), Done.getInstance());
  }

  /**
   * Tests that when a drain's grace ends, a slot thread stuck in a run of several batches is given
   * up once: each batch of the run is reported exactly once, and one thread replaces it.
   */
  @Test
  void drainGivesUpAStuckRunOnce() {
    // Two small batches share one run on the one slot; the first ignores every interrupt.
    worker.tell(
        WorkerProtocol.RunBatches.of(
            List.of(batch("g", 1, "stubborn", 0, 20_000), batch("g", 2, "scale", 0, 7))));
    TestTasks.awaitStarted(1);
    TestProbe<Done> drained = testKit.createTestProbe();
    worker.tell(new Worker.Drain(Duration.ofMillis(100), drained.ref()));
    drained.expectMessage(Duration.ofSeconds(10), Done.getInstance());
    // A batch sent now is refused, and its report comes after every report sent before it.
    worker.tell(batch("g", 99, "scale", 0, 1));
    List<Long> reported = new ArrayList<>();
    for (long id = finished(Duration.ofSeconds(5)).batchId();
        id != 99;
        id = finished(Duration.ofSeconds(5)).batchId()) {
      reported.add(id);
    }
    assertThat(reported).containsExactlyInAnyOrder(1L, 2L);
    assertThat(executor.getMaximumPoolSize()).isEqualTo(2);
  }

  /**
   * Tests that the worker keeps answering checks and running batches while a task's validate is
   * slow, and answers that check once its validate ends.
   */
  @Test
  void answersWhileAValidateIsSlow() {
    SlowCheckTask.reset();
    TestProbe<TaskChecked> slow = testKit.createTestProbe();
    worker.tell(new CheckTask(new TaskSpec("slow-check", Map.of()), slow.ref()));
    TestTasks.await(SlowCheckTask.VALIDATING, 1);
    TestProbe<TaskChecked> quick = testKit.createTestProbe();
    worker.tell(new CheckTask(new TaskSpec("nope", Map.of()), quick.ref()));
    assertThat(quick.receiveMessage().error()).startsWith("unknown task 'nope'");
    worker.tell(batch("v", 1, "scale", 0, 6));
    assertThat(finished(Duration.ofSeconds(5)).outputs().get(0).longValue()).isEqualTo(6);
    slow.expectNoMessage(Duration.ZERO);
    SlowCheckTask.VALIDATE_GATE.release();
    assertThat(slow.receiveMessage().ok()).isTrue();
  }

  private void awaitRegistration() {
    while (true) {
      CoordinatorProtocol.Command message = coordinator.receiveMessage(Duration.ofSeconds(10));
      if (message instanceof RegisterNode register && register.worker().equals(worker)) {
        return;
      }
    }
  }

  private boolean receivedDraining() {
    while (true) {
      CoordinatorProtocol.Command message = coordinator.receiveMessage(Duration.ofSeconds(5));
      if (message instanceof NodeDraining draining && draining.worker().equals(worker)) {
        return true;
      }
    }
  }
}
