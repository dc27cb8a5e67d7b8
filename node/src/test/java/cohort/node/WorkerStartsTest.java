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
import cohort.protocol.WorkerProtocol.CancelJob;
import cohort.protocol.WorkerProtocol.CheckTask;
import cohort.protocol.WorkerProtocol.RunBatch;
import cohort.protocol.WorkerProtocol.RunBatches;
import cohort.protocol.WorkerProtocol.StartConfirmed;
import cohort.protocol.WorkerProtocol.TaskChecked;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Protocol v2 on a fresh one-slot worker: start reports and confirmed starts. */
class WorkerStartsTest {

  private static ActorTestKit testKit;
  private TestProbe<CoordinatorProtocol.Command> coordinator;
  private ActorRef<WorkerProtocol.Command> worker;

  @BeforeAll
  static void start() {
    testKit = TestCluster.start();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newWorker() {
    TestTasks.resetStarted();
    coordinator = testKit.createTestProbe();
    worker =
        testKit.spawn(
            Worker.create(
                new WorkerSetup(
                    1,
                    TaskRegistry.of(TestTasks.all()),
                    NodeApp.slotExecutor(1),
                    new CompletableFuture<>(),
                    null,
                    new NodeAccess(),
                    Duration.ZERO))); // starts reported at once; the delay has a test of its own
  }

  private RunBatch batch(long id, String task, boolean confirmStart, long... inputs) {
    List<JsonNode> values =
        java.util.Arrays.stream(inputs).mapToObj(v -> (JsonNode) LongNode.valueOf(v)).toList();
    return new RunBatch(
        "s",
        id,
        new TaskSpec(task, Map.of()),
        0,
        Values.of(values),
        1,
        0,
        coordinator.ref(),
        confirmStart);
  }

  /** What the coordinator has heard of each batch, in the order it heard it. */
  private final List<String> heard = new ArrayList<>();

  /**
   * Receives messages until every batch in {@code ids} has a result, recording "started #id" and
   * "finished #id" in the order the coordinator learns them: in a BatchProgress the starts go
   * first.
   */
  private List<BatchFinished> resultsOf(long... ids) {
    Set<Long> waiting = new HashSet<>();
    for (long id : ids) {
      waiting.add(id);
    }
    List<BatchFinished> results = new ArrayList<>();
    while (!waiting.isEmpty()) {
      CoordinatorProtocol.Command message = coordinator.receiveMessage(Duration.ofSeconds(10));
      List<BatchFinished> parts = List.of();
      if (message instanceof BatchProgress progress) {
        progress.started().forEach(key -> heard.add("started #" + key.batch()));
        parts = progress.parts();
      } else if (message instanceof BatchFinished part) {
        parts = List.of(part);
      }
      for (BatchFinished part : parts) {
        heard.add("finished #" + part.batchId());
        results.add(part);
        waiting.remove(part.batchId());
      }
    }
    return results;
  }

  /** Tests that the coordinator hears that a batch started before it hears its result. */
  @Test
  void reportsAStartBeforeTheResult() {
    worker.tell(batch(1, "scale", false, 4));
    assertThat(resultsOf(1).get(0).outputs().get(0).longValue()).isEqualTo(4);
    assertThat(heard).containsExactly("started #1", "finished #1");
  }

  /**
   * Tests that every batch of a run is reported started, each when the slot thread takes it up, and
   * always before its result.
   */
  @Test
  void reportsEachStartOfARunBeforeItsResult() {
    List<RunBatch> batches = new ArrayList<>();
    for (long id = 1; id <= 5; id++) {
      batches.add(batch(id, "scale", false, id));
    }
    worker.tell(RunBatches.of(batches));
    resultsOf(1, 2, 3, 4, 5);
    for (long id = 1; id <= 5; id++) {
      assertThat(heard).containsOnlyOnce("started #" + id, "finished #" + id);
      assertThat(heard.indexOf("started #" + id)).isLessThan(heard.indexOf("finished #" + id));
    }
  }

  /**
   * Tests that a batch that must confirm its start asks at once and does not run, holding the one
   * slot, until StartConfirmed says so; its start is then not reported again.
   */
  @Test
  void runsAConfirmedBatchOnlyOnceConfirmed() {
    worker.tell(batch(1, "wait", true, 10));
    StartRequested request = (StartRequested) coordinator.receiveMessage(Duration.ofSeconds(10));
    assertThat(request).isEqualTo(new StartRequested(worker, new BatchKey("s", 1)));
    worker.tell(batch(2, "wait", false, 10));
    // A round trip through the worker: it has handled both batches, and run neither.
    TestProbe<TaskChecked> checked = testKit.createTestProbe();
    worker.tell(new CheckTask(new TaskSpec("wait", Map.of()), checked.ref()));
    assertThat(checked.receiveMessage().ok()).isTrue();
    assertThat(TestTasks.STARTED.availablePermits()).isZero();

    worker.tell(new StartConfirmed(new BatchKey("s", 1), true));
    TestTasks.awaitStarted(1);
    List<BatchFinished> results = resultsOf(1, 2);
    assertThat(results.get(0).batchId()).isEqualTo(1);
    assertThat(results.get(0).outputs().get(0).textValue()).isEqualTo("slept");
    assertThat(heard)
        .doesNotContain("started #1")
        .containsExactlyInAnyOrder("finished #1", "started #2", "finished #2");
    assertThat(heard.indexOf("started #2")).isLessThan(heard.indexOf("finished #2"));
  }

  /** Tests that a declined start reports the batch dropped and frees its slot for the next. */
  @Test
  void dropsABatchWhoseStartIsDeclined() {
    worker.tell(batch(1, "scale", true, 5));
    assertThat(coordinator.receiveMessage(Duration.ofSeconds(10)))
        .isInstanceOf(StartRequested.class);
    worker.tell(batch(2, "scale", false, 6));
    worker.tell(new StartConfirmed(new BatchKey("s", 1), false));
    List<BatchFinished> results = resultsOf(1, 2);
    BatchFinished dropped = results.get(0);
    assertThat(dropped.batchId()).isEqualTo(1);
    assertThat(dropped.outputs()).isEmpty();
    assertThat(dropped.failures()).isEmpty();
    assertThat(dropped.last()).isTrue();
    assertThat(results.get(1).outputs().get(0).longValue()).isEqualTo(6);
    assertThat(heard).containsExactlyInAnyOrder("finished #1", "started #2", "finished #2");
    assertThat(heard.indexOf("started #2")).isLessThan(heard.indexOf("finished #2"));
  }

  /**
   * Tests the delay before a start is reported: a batch whose result comes first needs no report of
   * its own, one that runs longer is reported started while it runs.
   */
  @Test
  void reportsOnlyTheStartsOfBatchesThatRunLongerThanTheDelay() {
    ActorRef<WorkerProtocol.Command> delayed =
        testKit.spawn(
            Worker.create(
                new WorkerSetup(
                    1,
                    TaskRegistry.of(TestTasks.all()),
                    NodeApp.slotExecutor(1),
                    new CompletableFuture<>(),
                    null,
                    new NodeAccess(),
                    Duration.ofMillis(50))));
    delayed.tell(batch(1, "wait", false, 60_000));
    TestTasks.awaitStarted(1);
    BatchProgress progress = (BatchProgress) coordinator.receiveMessage(Duration.ofSeconds(10));
    assertThat(progress.started()).containsExactly(new BatchKey("s", 1));
    assertThat(progress.parts()).isEmpty();
    delayed.tell(new CancelJob("s"));
    coordinator.receiveMessage(Duration.ofSeconds(10)); // its result, cut short by the cancel
    testKit.stop(delayed);

    ActorRef<WorkerProtocol.Command> patient =
        testKit.spawn(
            Worker.create(
                new WorkerSetup(
                    1,
                    TaskRegistry.of(TestTasks.all()),
                    NodeApp.slotExecutor(1),
                    new CompletableFuture<>(),
                    null,
                    new NodeAccess(),
                    Duration.ofSeconds(30))));
    patient.tell(batch(2, "scale", false, 7));
    assertThat(resultsOf(2).get(0).outputs().get(0).longValue()).isEqualTo(7);
    assertThat(heard).containsExactly("finished #2");
    coordinator.expectNoMessage(Duration.ofMillis(100));
    testKit.stop(patient);
  }
}
