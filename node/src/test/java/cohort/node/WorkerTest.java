package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchProgress;
import cohort.protocol.CoordinatorProtocol.RegisterNode;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.CancelJob;
import cohort.protocol.WorkerProtocol.CheckTask;
import cohort.protocol.WorkerProtocol.RunBatch;
import cohort.protocol.WorkerProtocol.RunBatches;
import cohort.protocol.WorkerProtocol.TaskChecked;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker actor in a real one-member cluster, with a probe as its coordinator. */
class WorkerTest {

  private static ActorTestKit testKit;
  private static TestProbe<CoordinatorProtocol.Command> coordinator;
  private static ActorRef<WorkerProtocol.Command> worker;
  private static CompletableFuture<String> registered = new CompletableFuture<>();

  /** The worker's registration, which it sends once, as soon as it finds the coordinator. */
  private static RegisterNode registration;

  @BeforeAll
  static void start() {
    testKit = TestCluster.start();
    coordinator = testKit.createTestProbe();
    testKit
        .system()
        .receptionist()
        .tell(Receptionist.register(CoordinatorProtocol.SERVICE_KEY, coordinator.ref()));
    worker =
        testKit.spawn(
            Worker.create(
                new WorkerSetup(
                    1,
                    TaskRegistry.of(TestTasks.all()),
                    NodeApp.slotExecutor(1),
                    registered,
                    null,
                    new NodeAccess(),
                    Outbox.START_REPORT_DELAY)));
    // Taken here, before any test reads the probe: it may come at once.
    registration = expect(RegisterNode.class);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static RunBatch batch(String job, long id, String task, long... inputs) {
    List<JsonNode> values =
        java.util.Arrays.stream(inputs).mapToObj(v -> (JsonNode) LongNode.valueOf(v)).toList();
    return new RunBatch(
        job,
        id,
        new TaskSpec(task, Map.of()),
        0,
        Values.of(values),
        1,
        0,
        coordinator.ref(),
        false);
  }

  /** Tests that the worker registers with the coordinator it finds through the receptionist. */
  @Test
  void registersWithTheCoordinator() {
    RegisterNode register = registration;
    assertThat(register.slots()).isEqualTo(1);
    assertThat(register.version()).isEqualTo(CoordinatorProtocol.VERSION);
    assertThat(register.tasks())
        .extracting(t -> t.name())
        .containsExactly("blow-up", "scale", "stubborn", "wait");
    worker.tell(new WorkerProtocol.Registered("c:1", null, null));
    assertThat(registered.join()).isEqualTo("c:1");
  }

  /** Tests that a batch runs and its results come back to the coordinator. */
  @Test
  void runsABatch() {
    worker.tell(batch("run", 1, "scale", 1, 2, 3));
    BatchFinished finished = expectFinished("run");
    assertThat(finished.outputs()).extracting(JsonNode::longValue).containsExactly(1L, 2L, 3L);
    assertThat(finished.last()).isTrue();
    assertThat(finished.busyNanos()).isPositive();
    assertThat(finished.worker()).isEqualTo(worker);
  }

  /** Tests that the worker checks a task and its parameters for the coordinator. */
  @Test
  void checksTasks() {
    TestProbe<TaskChecked> reply = testKit.createTestProbe();
    worker.tell(
        new CheckTask(new TaskSpec("scale", Map.of("factor", IntNode.valueOf(2))), reply.ref()));
    assertThat(reply.receiveMessage().ok()).isTrue();
    worker.tell(new CheckTask(new TaskSpec("nope", Map.of()), reply.ref()));
    assertThat(reply.receiveMessage().error()).startsWith("unknown task 'nope'");
  }

  /** Tests that the worker checks a job's first inputs with its task: one that converts will do. */
  @Test
  void checksTheFirstInputs() {
    TestProbe<TaskChecked> reply = testKit.createTestProbe();
    TaskSpec scale = new TaskSpec("scale", Map.of("factor", IntNode.valueOf(2)));
    worker.tell(
        new CheckTask(scale, List.of(TextNode.valueOf("seven"), IntNode.valueOf(7)), reply.ref()));
    assertThat(reply.receiveMessage()).isEqualTo(new TaskChecked(null, null));
    worker.tell(
        new CheckTask(
            scale, List.of(TextNode.valueOf("seven"), TextNode.valueOf("eight")), reply.ref()));
    assertThat(reply.receiveMessage())
        .isEqualTo(new TaskChecked(null, "task 'scale' takes integer inputs, not \"seven\""));
  }

  /** Sends the job's batches 1 and 2 of a minute each: the one slot runs 1, and 2 waits. */
  private static void runningAndQueued(String job) {
    TestTasks.resetStarted();
    worker.tell(batch(job, 1, "wait", 60_000));
    worker.tell(batch(job, 2, "wait", 60_000));
    TestTasks.awaitStarted(1);
  }

  /** Tests that a cancel interrupts the running batch and drops the queued one, reporting both. */
  @Test
  void cancelStopsRunningAndQueuedBatches() {
    runningAndQueued("slow");
    worker.tell(new CancelJob("slow"));
    BatchFinished first = expectFinished("slow");
    BatchFinished second = expectFinished("slow");
    assertThat(List.of(first.batchId(), second.batchId())).containsExactlyInAnyOrder(1L, 2L);
    assertThat(first.outputs()).isEmpty();
    assertThat(second.outputs()).isEmpty();
    // A batch of a cancelled job that arrives late is answered at once, without running.
    worker.tell(batch("slow", 3, "wait", 60_000));
    assertThat(expectFinished("slow").batchId()).isEqualTo(3);
  }

  /**
   * Tests that batches the coordinator ran elsewhere while it took the node for lost are dropped:
   * the running one is interrupted and the queued one withdrawn, both reported without outputs,
   * while the job's other batches still run here, the next one at once on the freed slot.
   */
  @Test
  void dropsBatchesThatRanElsewhere() {
    runningAndQueued("doubted");
    worker.tell(batch("doubted", 3, "wait", 1));
    worker.tell(
        new WorkerProtocol.DropBatches(
            List.of(
                new CoordinatorProtocol.BatchKey("doubted", 1),
                new CoordinatorProtocol.BatchKey("doubted", 2))));
    List<BatchFinished> reports =
        List.of(expectFinished("doubted"), expectFinished("doubted"), expectFinished("doubted"));
    assertThat(reports)
        .filteredOn(report -> report.batchId() != 3)
        .extracting(BatchFinished::batchId)
        .containsExactlyInAnyOrder(1L, 2L);
    assertThat(reports)
        .filteredOn(report -> report.batchId() != 3)
        .allSatisfy(report -> assertThat(report.outputs()).isEmpty());
    assertThat(reports)
        .filteredOn(report -> report.batchId() == 3)
        .singleElement()
        .satisfies(
            report ->
                assertThat(report.outputs())
                    .extracting(JsonNode::textValue)
                    .containsExactly("slept"));
  }

  /** Tests that many small batches in one message all run and come back, possibly coalesced. */
  @Test
  void runsCoalescedBatches() {
    List<RunBatch> batches = new ArrayList<>();
    for (long id = 1; id <= 100; id++) {
      batches.add(batch("many", id, "scale", id * 10, id * 10 + 1));
    }
    worker.tell(RunBatches.of(batches));
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      BatchFinished finished = expectFinished("many");
      assertThat(finished.outputs())
          .extracting(JsonNode::longValue)
          .containsExactly(finished.batchId() * 10, finished.batchId() * 10 + 1);
      ids.add(finished.batchId());
    }
    assertThat(ids).doesNotHaveDuplicates().hasSize(100);
  }

  /** Results received but not yet taken: the worker coalesces small ones into one message. */
  private static final ArrayDeque<BatchFinished> PENDING = new ArrayDeque<>();

  private static BatchFinished expectFinished(String job) {
    while (true) {
      if (PENDING.isEmpty()) {
        CoordinatorProtocol.Command message = coordinator.receiveMessage(Duration.ofSeconds(10));
        if (message instanceof BatchFinished one) {
          PENDING.add(one);
        } else if (message instanceof BatchProgress many) {
          PENDING.addAll(many.parts());
        }
        continue;
      }
      BatchFinished finished = PENDING.poll();
      if (finished.jobId().equals(job)) {
        return finished;
      }
    }
  }

  /** The next message of the type; other messages (a repeated registration) are skipped. */
  private static <T> T expect(Class<T> type) {
    while (true) {
      CoordinatorProtocol.Command message = coordinator.receiveMessage(Duration.ofSeconds(10));
      if (type.isInstance(message)) {
        return type.cast(message);
      }
    }
  }
}
