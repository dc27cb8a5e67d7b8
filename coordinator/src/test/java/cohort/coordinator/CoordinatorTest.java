package cohort.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ApiJson;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.api.TaskInfo;
import cohort.api.labels.Requirement;
import cohort.coordinator.ClientRequests.Refusal;
import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.http.ApiViews;
import cohort.coordinator.job.Batching;
import cohort.coordinator.job.Combiner;
import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.JobState;
import cohort.coordinator.recovery.Durability;
import cohort.coordinator.results.ResultLog;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.BatchProgress;
import cohort.protocol.CoordinatorProtocol.BatchesReturned;
import cohort.protocol.CoordinatorProtocol.RegisterNode;
import cohort.protocol.CoordinatorProtocol.StartRequested;
import cohort.protocol.Payloads;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.CheckTask;
import cohort.protocol.WorkerProtocol.Registered;
import cohort.protocol.WorkerProtocol.ReturnQueued;
import cohort.protocol.WorkerProtocol.RunBatch;
import cohort.protocol.WorkerProtocol.RunBatches;
import cohort.protocol.WorkerProtocol.TaskChecked;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator actor against test probes standing in for nodes. */
class CoordinatorTest {

  private static ActorTestKit testKit;

  @TempDir static Path dataDir;

  private static final List<TaskInfo> TASKS =
      List.of(
          new TaskInfo("echo", "returns its input", "any", List.of(), null, null),
          new TaskInfo("sum-range", "sums", "object", List.of(), "sum", null));

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("cohort", ConfigFactory.load("application-test"));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
              return null;
            });
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static CoordinatorSettings settings(int prefetch) {
    return settings(prefetch, Optional.empty());
  }

  private static CoordinatorSettings settings(int prefetch, Optional<Duration> moveQueuedOver) {
    // The tests count batches per node exactly, so the pipeline stays at its minimum depth, and
    // queued batches stay where they were sent unless a test says otherwise.
    return new CoordinatorSettings(
        new cohort.protocol.cluster.MemberHost("127.0.0.1", "127.0.0.1"),
        0,
        0,
        Optional.of(dataDir),
        10,
        Duration.ofSeconds(3),
        new Batching(Duration.ofMillis(20), 4096, prefetch, prefetch, Duration.ofMillis(5)),
        moveQueuedOver,
        1000,
        Duration.ofMillis(50),
        new cohort.coordinator.admission.JobLimits(100, 1_000_000_000L));
  }

  private ActorRef<CoordinatorProtocol.Command> coordinator(int prefetch) {
    return coordinator(settings(prefetch));
  }

  private ActorRef<CoordinatorProtocol.Command> coordinator(CoordinatorSettings settings) {
    return testKit.spawn(
        Coordinator.create(
            settings,
            dataDir,
            new BlobStore(dataDir.resolve("blobs")),
            Clock.systemUTC(),
            Durability.none()));
  }

  private static List<JsonNode> longs(int n) {
    List<JsonNode> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(LongNode.valueOf(i));
    }
    return list;
  }

  /**
   * The task checks each coordinator remembers, as the tests expect them: a check is asked once per
   * task and parameters, and again after a node joins.
   */
  private static final Map<ActorRef<?>, Set<TaskSpec>> CHECKED = new IdentityHashMap<>();

  /** Registers a probe as a node. */
  private TestProbe<WorkerProtocol.Command> node(
      ActorRef<CoordinatorProtocol.Command> coordinator, int slots) {
    TestProbe<WorkerProtocol.Command> node = testKit.createTestProbe();
    coordinator.tell(new RegisterNode(node.ref(), slots, TASKS, CoordinatorProtocol.VERSION, null));
    node.expectMessageClass(Registered.class);
    CHECKED.remove(coordinator);
    return node;
  }

  private JobStatus submit(
      ActorRef<CoordinatorProtocol.Command> coordinator,
      TestProbe<WorkerProtocol.Command> checker,
      JobSpec spec,
      InputSource inputs,
      boolean taskCombiner) {
    TestProbe<ClientRequests.SubmitReply> reply = testKit.createTestProbe();
    coordinator.tell(new ClientRequests.SubmitJob(spec, inputs, taskCombiner, reply.ref()));
    if (CHECKED.computeIfAbsent(coordinator, c -> new HashSet<>()).add(spec.task())) {
      CheckTask check = checker.expectMessageClass(CheckTask.class);
      check.replyTo().tell(new TaskChecked(null));
    }
    return status(((ClientRequests.Accepted) reply.receiveMessage()).job());
  }

  /** Batches received but not yet taken: the coordinator coalesces several into one message. */
  private static final Map<TestProbe<?>, ArrayDeque<RunBatch>> PENDING = new IdentityHashMap<>();

  /** The next batch sent to a node, whether it travelled alone or in a {@code RunBatches}. */
  private static RunBatch nextBatch(TestProbe<WorkerProtocol.Command> node) {
    ArrayDeque<RunBatch> pending = PENDING.computeIfAbsent(node, n -> new ArrayDeque<>());
    if (pending.isEmpty()) {
      WorkerProtocol.Command message = node.receiveMessage();
      if (message instanceof RunBatch one) {
        pending.add(one);
      } else if (message instanceof RunBatches many) {
        pending.addAll(many.batches());
      } else {
        throw new AssertionError("expected a batch, got " + message);
      }
    }
    return pending.poll();
  }

  /** Asserts that no batch is waiting, neither received nor in flight. */
  private static void expectNoBatch(TestProbe<WorkerProtocol.Command> node, Duration wait) {
    assertThat(PENDING.getOrDefault(node, new ArrayDeque<>())).isEmpty();
    node.expectNoMessage(wait);
  }

  private static BatchFinished echo(RunBatch batch, ActorRef<WorkerProtocol.Command> worker) {
    return new BatchFinished(
        batch.jobId(),
        batch.batchId(),
        0,
        Values.of(batch.inputs()),
        List.of(),
        true,
        1000,
        worker);
  }

  private static JobStatus status(JobState job) {
    return ApiViews.status(job, Instant.now());
  }

  private static JobSpec spec(String task) {
    return JobSpec.of(new TaskSpec(task, Map.of()));
  }

  /** Tests that a job goes out no faster than the node's credit and completes with every result. */
  @Test
  void dispatchesByCreditUntilDone() throws Exception {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(1);
    TestProbe<WorkerProtocol.Command> node = node(coordinator, 1);
    JobStatus accepted = submit(coordinator, node, spec("echo"), InputSource.of(longs(50)), true);
    assertThat(accepted.total()).isEqualTo(50);

    // One slot plus one prefetch: two batches out, then nothing until one reports.
    RunBatch first = nextBatch(node);
    RunBatch second = nextBatch(node);
    expectNoBatch(node, Duration.ofMillis(200));
    assertThat(first.inputs()).hasSize(1);

    long covered = first.inputs().size() + second.inputs().size();
    coordinator.tell(echo(first, node.ref()));
    coordinator.tell(echo(second, node.ref()));
    while (covered < 50) {
      RunBatch batch = nextBatch(node);
      covered += batch.inputs().size();
      coordinator.tell(echo(batch, node.ref()));
    }
    JobStatus done = awaitState(coordinator, accepted.id(), JobStatus.State.SUCCEEDED);
    assertThat(done.succeeded()).isEqualTo(50);

    ResultLog log = results(coordinator, accepted.id());
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(log.closed()).isTrue();
              return null;
            });
    List<String> lines = lines(log);
    assertThat(lines).hasSize(50);
    assertThat(lines.get(49)).isEqualTo("{\"index\":49,\"input\":49,\"output\":49}");
  }

  /**
   * Tests that batches coalesced for one node stay within a message's size: large inputs travel in
   * several messages, since the transport drops a message larger than its frame.
   */
  @Test
  void coalescedBatchesStayWithinAMessage() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(8);
    TestProbe<WorkerProtocol.Command> node = node(coordinator, 1);
    List<JsonNode> inputs = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      inputs.add(TextNode.valueOf(Integer.toString(i).repeat(40_000)));
    }
    JobSpec oneEach =
        new JobSpec(new TaskSpec("echo", Map.of()), true, null, 1, 0, 3, Duration.ZERO);
    submit(coordinator, node, oneEach, InputSource.of(inputs), false);
    int batches = 0;
    int messages = 0;
    while (batches < 9) {
      WorkerProtocol.Command message = node.receiveMessage();
      List<RunBatch> carried =
          message instanceof RunBatches many ? many.batches() : List.of((RunBatch) message);
      long bytes = 0;
      for (RunBatch batch : carried) {
        for (JsonNode input : batch.inputs()) {
          bytes += Payloads.estimateBytes(input);
        }
      }
      assertThat(bytes)
          .as("inputs in one message")
          .isLessThanOrEqualTo(Payloads.TARGET_MESSAGE_BYTES);
      batches += carried.size();
      messages++;
    }
    assertThat(batches).isEqualTo(9);
    assertThat(messages).isGreaterThanOrEqualTo(4); // two 40 KB inputs fit in a message, not three
  }

  /** Tests that a job with no node offering its task is refused and names the known tasks. */
  @Test
  void refusesUnknownTask() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(1);
    node(coordinator, 1);
    TestProbe<ClientRequests.SubmitReply> reply = testKit.createTestProbe();
    coordinator.tell(
        new ClientRequests.SubmitJob(
            spec("thumbnial"), InputSource.of(longs(1)), true, reply.ref()));
    ClientRequests.Refused rejected = (ClientRequests.Refused) reply.receiveMessage();
    assertThat(rejected.why()).isEqualTo(Refusal.INVALID);
    assertThat(rejected.error())
        .isEqualTo("unknown task 'thumbnial'; known tasks: echo, sum-range");
  }

  /** Tests that a job is refused with 503 while no node has joined. */
  @Test
  void refusesWithoutNodes() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(1);
    TestProbe<ClientRequests.SubmitReply> reply = testKit.createTestProbe();
    coordinator.tell(
        new ClientRequests.SubmitJob(spec("echo"), InputSource.of(longs(1)), true, reply.ref()));
    ClientRequests.Refused rejected = (ClientRequests.Refused) reply.receiveMessage();
    assertThat(rejected.why()).isEqualTo(Refusal.UNAVAILABLE);
    assertThat(rejected.error()).contains("cohort node --join");
  }

  /** Tests that the node's parameter check failing refuses the job with the node's message. */
  @Test
  void refusesBadParameters() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(1);
    TestProbe<WorkerProtocol.Command> node = node(coordinator, 1);
    TestProbe<ClientRequests.SubmitReply> reply = testKit.createTestProbe();
    coordinator.tell(
        new ClientRequests.SubmitJob(spec("echo"), InputSource.of(longs(1)), true, reply.ref()));
    node.expectMessageClass(CheckTask.class)
        .replyTo()
        .tell(new TaskChecked("unknown parameter 'x'"));
    assertThat(((ClientRequests.Refused) reply.receiveMessage()).error())
        .isEqualTo("unknown parameter 'x'");
    node.expectNoMessage(Duration.ofMillis(100));
  }

  /**
   * Tests that a job none of whose first inputs fits its task is refused with the node's words and
   * the range's hint, and that inputs of a shape that fits are remembered: the next job of that
   * shape goes out without a check.
   */
  @Test
  void refusesInputsThatDoNotFit() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(1);
    TestProbe<WorkerProtocol.Command> node = node(coordinator, 1);
    TestProbe<ClientRequests.SubmitReply> reply = testKit.createTestProbe();
    JobSpec sum = spec("sum-range");
    coordinator.tell(
        new ClientRequests.SubmitJob(sum, InputSource.range(0, 100_000_000), true, reply.ref()));
    CheckTask check = node.expectMessageClass(CheckTask.class);
    assertThat(check.samples())
        .extracting(JsonNode::longValue)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
    check.replyTo().tell(new TaskChecked(null, "task 'sum-range' takes object inputs, not 0"));
    ClientRequests.Refused refused = (ClientRequests.Refused) reply.receiveMessage();
    assertThat(refused.why()).isEqualTo(Refusal.INVALID);
    assertThat(refused.error())
        .startsWith(
            "the job's inputs do not fit its task: task 'sum-range' takes object inputs, not 0"
                + " (input 0, and none of the first 8 inputs fits); a 'range' gives")
        .endsWith("(cohort submit: --split K)");

    coordinator.tell(
        new ClientRequests.SubmitJob(sum, InputSource.split(0, 100, 4), true, reply.ref()));
    node.expectMessageClass(CheckTask.class).replyTo().tell(new TaskChecked(null, null));
    assertThat(reply.receiveMessage()).isInstanceOf(ClientRequests.Accepted.class);
    assertThat(nextBatch(node).jobId()).isNotNull();
    coordinator.tell(
        new ClientRequests.SubmitJob(sum, InputSource.split(0, 1000, 10), true, reply.ref()));
    assertThat(reply.receiveMessage()).isInstanceOf(ClientRequests.Accepted.class);
  }

  /** Tests that a streamed job's first inputs are checked by a node, on the upload's request. */
  @Test
  void checksAStreamedJobsFirstInputs() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(1);
    TestProbe<WorkerProtocol.Command> node = node(coordinator, 1);
    JobStatus job = submit(coordinator, node, spec("sum-range"), InputSource.streamed(), true);
    TestProbe<ClientRequests.InputsChecked> checked = testKit.createTestProbe();
    coordinator.tell(new ClientRequests.CheckInputs(job.id(), longs(2), checked.ref()));
    CheckTask check = node.expectMessageClass(CheckTask.class);
    assertThat(check.samples()).isEqualTo(longs(2));
    check.replyTo().tell(new TaskChecked(null, "task 'sum-range' takes object inputs, not 0"));
    assertThat(checked.receiveMessage())
        .isEqualTo(new ClientRequests.InputsMisfit("task 'sum-range' takes object inputs, not 0"));
    coordinator.tell(new ClientRequests.CheckInputs("nope", longs(1), checked.ref()));
    assertThat(((ClientRequests.Refused) checked.receiveMessage()).why())
        .isEqualTo(Refusal.UNKNOWN_JOB);
  }

  /** Tests that a task's default combiner applies unless the job names one. */
  @Test
  void appliesTheTaskCombiner() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(0);
    TestProbe<WorkerProtocol.Command> node = node(coordinator, 1);
    JobStatus job = submit(coordinator, node, spec("sum-range"), InputSource.of(longs(1)), true);
    assertThat(job.combine()).isEqualTo("sum");
    coordinator.tell(echo(nextBatch(node), node.ref()));
    JobStatus other =
        submit(
            coordinator,
            node,
            spec("sum-range").withCombiner(Combiner.MAX),
            InputSource.of(longs(1)),
            false);
    assertThat(other.combine()).isEqualTo("max");
  }

  /**
   * Tests that a cancel reaches every node, frees the job's credit when nodes report, and keeps
   * results.
   */
  @Test
  void cancelReachesEveryNode() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(0);
    TestProbe<WorkerProtocol.Command> a = node(coordinator, 1);
    JobStatus job = submit(coordinator, a, spec("echo"), InputSource.of(longs(10)), true);
    TestProbe<WorkerProtocol.Command> b = node(coordinator, 1);
    RunBatch onA = nextBatch(a);
    RunBatch onB = nextBatch(b);
    coordinator.tell(echo(onA, a.ref()));
    nextBatch(a);

    TestProbe<Optional<JobState>> cancelled = testKit.createTestProbe();
    coordinator.tell(new ClientRequests.CancelJob(job.id(), cancelled.ref()));
    assertThat(status(cancelled.receiveMessage().orElseThrow()).state())
        .isEqualTo(JobStatus.State.CANCELLED);
    a.expectMessage(new WorkerProtocol.CancelJob(job.id()));
    b.expectMessage(new WorkerProtocol.CancelJob(job.id()));

    TestProbe<ClientRequests.ClusterView> cluster = testKit.createTestProbe();
    coordinator.tell(new ClientRequests.GetCluster(cluster.ref()));
    assertThat(ApiViews.cluster(cluster.receiveMessage()).busySlots()).isEqualTo(2);
    coordinator.tell(
        new BatchFinished(
            job.id(), onB.batchId(), 0, Values.of(List.of()), List.of(), true, 0, b.ref()));
    coordinator.tell(new ClientRequests.GetCluster(cluster.ref()));
    assertThat(ApiViews.cluster(cluster.receiveMessage()).busySlots()).isEqualTo(1);

    JobStatus status = awaitState(coordinator, job.id(), JobStatus.State.CANCELLED);
    assertThat(status.succeeded()).isEqualTo(onA.inputs().size());
  }

  /**
   * Tests that a node of another protocol version is refused with a message naming both versions.
   */
  @Test
  void refusesOtherProtocolVersions() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(1);
    TestProbe<WorkerProtocol.Command> node = testKit.createTestProbe();
    coordinator.tell(new RegisterNode(node.ref(), 1, TASKS, CoordinatorProtocol.VERSION + 1, null));
    WorkerProtocol.RegistrationRefused refused =
        node.expectMessageClass(WorkerProtocol.RegistrationRefused.class);
    assertThat(refused.reason()).contains("version mismatch").contains("same Cohort build");
  }

  /**
   * Tests that the batches a stopped node held go to another node, and late results are dropped.
   */
  @Test
  void batchesOfAStoppedNodeMoveOn() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(0);
    TestProbe<WorkerProtocol.Command> a = node(coordinator, 1);
    JobStatus job = submit(coordinator, a, spec("echo"), InputSource.of(longs(3)), true);
    RunBatch lost = nextBatch(a);
    a.stop();
    TestProbe<ClientRequests.ClusterView> cluster = testKit.createTestProbe();
    cluster.awaitAssert(
        () -> {
          coordinator.tell(new ClientRequests.GetCluster(cluster.ref()));
          assertThat(ApiViews.cluster(cluster.receiveMessage()).nodes()).isEmpty();
          return null;
        });
    TestProbe<WorkerProtocol.Command> b = node(coordinator, 1);
    RunBatch again = nextBatch(b);
    assertThat(again.firstIndex()).isEqualTo(lost.firstIndex());
    assertThat(again.attempt()).isEqualTo(2);
    coordinator.tell(echo(again, b.ref()));
    coordinator.tell(echo(lost, a.ref()));
    while (true) {
      RunBatch batch = nextBatch(b);
      coordinator.tell(echo(batch, b.ref()));
      if (batch.firstIndex() + batch.inputs().size() == 3) {
        break;
      }
    }
    JobStatus done = awaitState(coordinator, job.id(), JobStatus.State.SUCCEEDED);
    assertThat(done.succeeded()).isEqualTo(3);
    assertThat(done.retried()).isEqualTo(1);
  }

  /**
   * Tests that a node that joins gets a batch queued at a busy node: the coordinator asks for it,
   * and once the busy node gives it back, it goes to the new node as the same attempt.
   */
  @Test
  void queuedBatchMovesToANodeThatJoins() {
    ActorRef<CoordinatorProtocol.Command> coordinator =
        coordinator(settings(1, Optional.of(Duration.ofMillis(50))));
    TestProbe<WorkerProtocol.Command> a = node(coordinator, 1);
    JobStatus job = submit(coordinator, a, spec("echo"), InputSource.of(longs(2)), true);
    RunBatch running = nextBatch(a);
    RunBatch queued = nextBatch(a);
    assertThat(queued.firstIndex()).isEqualTo(1);

    TestProbe<WorkerProtocol.Command> b = node(coordinator, 1);
    ReturnQueued asked = a.expectMessageClass(ReturnQueued.class);
    assertThat(asked.batches()).containsExactly(new BatchKey(job.id(), queued.batchId()));
    expectNoBatch(b, Duration.ofMillis(200)); // nothing moves before the node gives it back

    coordinator.tell(new BatchesReturned(a.ref(), asked.batches()));
    RunBatch moved = nextBatch(b);
    assertThat(moved.firstIndex()).isEqualTo(1);
    assertThat(moved.inputs()).isEqualTo(queued.inputs());
    assertThat(moved.attempt()).isEqualTo(1);
    assertThat(moved.confirmStart()).isFalse();
    coordinator.tell(echo(moved, b.ref()));
    coordinator.tell(echo(running, a.ref()));
    // A late report of the batch given back, were a node to send one, changes nothing.
    coordinator.tell(echo(queued, a.ref()));
    JobStatus done = awaitState(coordinator, job.id(), JobStatus.State.SUCCEEDED);
    assertThat(done.succeeded()).isEqualTo(2);
    assertThat(done.retried()).isZero();
  }

  /**
   * Tests that a node the failure detector doubted for a while is told, once trusted again, to drop
   * what it still holds of the work that was taken from it, and that its slot takes that work again
   * once it reports the batches dropped: a false alarm does not leave stale runs on its slots.
   */
  @Test
  void aNodeTrustedAgainDropsTheWorkTakenFromIt() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(1);
    TestProbe<WorkerProtocol.Command> a = node(coordinator, 1);
    JobStatus job = submit(coordinator, a, spec("echo"), InputSource.of(longs(2)), true);
    List<RunBatch> taken = List.of(nextBatch(a), nextBatch(a));
    TestProbe<ClientRequests.ClusterView> cluster = testKit.createTestProbe();
    coordinator.tell(new ClientRequests.GetCluster(cluster.ref()));
    String address = ApiViews.cluster(cluster.receiveMessage()).nodes().get(0).address();

    coordinator.tell(new Membership.Reachable(address, false));
    coordinator.tell(new Membership.Reachable(address, true));
    WorkerProtocol.DropBatches drop = a.expectMessageClass(WorkerProtocol.DropBatches.class);
    assertThat(drop.batches())
        .containsExactlyInAnyOrderElementsOf(
            taken.stream().map(batch -> new BatchKey(job.id(), batch.batchId())).toList());
    expectNoBatch(a, Duration.ofMillis(200)); // its one slot and queue place are still taken
    for (RunBatch batch : taken) {
      coordinator.tell(
          new BatchFinished(
              batch.jobId(),
              batch.batchId(),
              0,
              Values.of(List.of()),
              List.of(),
              true,
              0,
              a.ref()));
    }
    int covered = 0;
    while (covered < 2) {
      RunBatch again = nextBatch(a);
      assertThat(again.batchId()).isNotIn(taken.stream().map(RunBatch::batchId).toList());
      covered += again.inputs().size();
      coordinator.tell(echo(again, a.ref()));
    }
    JobStatus done = awaitState(coordinator, job.id(), JobStatus.State.SUCCEEDED);
    assertThat(done.succeeded()).isEqualTo(2);
    assertThat(done.retried()).isEqualTo(2); // both inputs ran again, each once
  }

  private JobStatus awaitState(
      ActorRef<CoordinatorProtocol.Command> coordinator, String id, JobStatus.State state) {
    TestProbe<Optional<JobState>> probe = testKit.createTestProbe();
    return probe.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          coordinator.tell(new ClientRequests.GetJob(id, probe.ref()));
          JobStatus status = status(probe.receiveMessage().orElseThrow());
          assertThat(status.state()).isEqualTo(state);
          return status;
        });
  }

  private ResultLog results(ActorRef<CoordinatorProtocol.Command> coordinator, String id) {
    TestProbe<Optional<ResultLog>> probe = testKit.createTestProbe();
    coordinator.tell(new ClientRequests.OpenResults(id, probe.ref()));
    return probe.receiveMessage().orElseThrow();
  }

  /**
   * Tests that streamed inputs are admitted only while the job has room: the answer to an upload
   * waits for the node to take work, which is how backpressure reaches the producer.
   */
  @Test
  void streamedInputsWaitForRoom() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(0);
    TestProbe<WorkerProtocol.Command> node = node(coordinator, 1);
    JobStatus job = submit(coordinator, node, spec("echo"), InputSource.streamed(), true);
    assertThat(job.inputsOpen()).isTrue();
    TestProbe<ClientRequests.InputsReply> upload = testKit.createTestProbe();

    // The buffer holds 64 inputs at least: the first chunk gets in at once.
    coordinator.tell(new ClientRequests.AddInputs(job.id(), longs(64), upload.ref()));
    assertThat(((ClientRequests.InputsAccepted) upload.receiveMessage()).total()).isEqualTo(64);
    RunBatch first = nextBatch(node);
    assertThat(first.inputs()).hasSize(1);

    // 63 still buffered: the next chunk fills the buffer; the one after must wait.
    coordinator.tell(new ClientRequests.AddInputs(job.id(), longs(1), upload.ref()));
    upload.expectMessageClass(ClientRequests.InputsAccepted.class);
    coordinator.tell(new ClientRequests.AddInputs(job.id(), longs(10), upload.ref()));
    upload.expectNoMessage(Duration.ofMillis(200));

    // The node reports, takes more work, and the buffer has room again.
    coordinator.tell(echo(first, node.ref()));
    nextBatch(node);
    assertThat(((ClientRequests.InputsAccepted) upload.receiveMessage()).total()).isEqualTo(75);

    TestProbe<ClientRequests.InputsReply> close = testKit.createTestProbe();
    coordinator.tell(new ClientRequests.CloseInputs(job.id(), close.ref()));
    close.expectMessageClass(ClientRequests.InputsAccepted.class);
    coordinator.tell(new ClientRequests.AddInputs(job.id(), longs(1), upload.ref()));
    assertThat(((ClientRequests.Refused) upload.receiveMessage()).why())
        .isEqualTo(Refusal.NO_MORE_INPUTS);
  }

  /** Tests that inputs for a job with its inputs given are refused, and unknown jobs are 404. */
  @Test
  void refusesInputsForOtherJobs() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(0);
    TestProbe<WorkerProtocol.Command> node = node(coordinator, 1);
    JobStatus job = submit(coordinator, node, spec("echo"), InputSource.of(longs(1)), true);
    TestProbe<ClientRequests.InputsReply> upload = testKit.createTestProbe();
    coordinator.tell(new ClientRequests.AddInputs(job.id(), longs(1), upload.ref()));
    assertThat(((ClientRequests.Refused) upload.receiveMessage()).error())
        .contains("only a job created with");
    coordinator.tell(new ClientRequests.AddInputs("nope", longs(1), upload.ref()));
    assertThat(((ClientRequests.Refused) upload.receiveMessage()).why())
        .isEqualTo(Refusal.UNKNOWN_JOB);
  }

  /** Tests that a task check is remembered for the same parameters until the nodes change. */
  @Test
  void remembersTaskChecksUntilNodesChange() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(0);
    TestProbe<WorkerProtocol.Command> node = node(coordinator, 1);
    TestProbe<ClientRequests.SubmitReply> reply = testKit.createTestProbe();
    JobSpec echo = spec("echo");
    coordinator.tell(
        new ClientRequests.SubmitJob(echo, InputSource.of(List.of()), true, reply.ref()));
    node.expectMessageClass(CheckTask.class).replyTo().tell(new TaskChecked(null));
    assertThat(reply.receiveMessage()).isInstanceOf(ClientRequests.Accepted.class);
    node.expectMessageClass(WorkerProtocol.JobEnded.class); // no inputs: it ends at once

    coordinator.tell(
        new ClientRequests.SubmitJob(echo, InputSource.of(List.of()), true, reply.ref()));
    assertThat(reply.receiveMessage()).isInstanceOf(ClientRequests.Accepted.class);
    node.expectMessageClass(WorkerProtocol.JobEnded.class); // not checked again
    node.expectNoMessage(Duration.ofMillis(100));

    // Other parameters are checked anew, and a refusal is remembered like an approval.
    JobSpec odd = JobSpec.of(new TaskSpec("echo", Map.of("x", LongNode.valueOf(1))));
    for (int i = 0; i < 2; i++) {
      coordinator.tell(
          new ClientRequests.SubmitJob(odd, InputSource.of(List.of()), true, reply.ref()));
      if (i == 0) {
        node.expectMessageClass(CheckTask.class)
            .replyTo()
            .tell(new TaskChecked("unknown parameter 'x'"));
      }
      assertThat(((ClientRequests.Refused) reply.receiveMessage()).error())
          .isEqualTo("unknown parameter 'x'");
    }

    // A node that joins may judge differently: the memory starts over. Either node may be asked.
    TestProbe<WorkerProtocol.Command> joined = node(coordinator, 1);
    coordinator.tell(
        new ClientRequests.SubmitJob(echo, InputSource.of(List.of()), true, reply.ref()));
    checkAskedOfEither(node, joined).replyTo().tell(new TaskChecked(null));
    assertThat(reply.receiveMessage()).isInstanceOf(ClientRequests.Accepted.class);
  }

  /** The task check the coordinator sent to one of two nodes, whichever it chose. */
  private static CheckTask checkAskedOfEither(
      TestProbe<WorkerProtocol.Command> a, TestProbe<WorkerProtocol.Command> b) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      for (TestProbe<WorkerProtocol.Command> probe : List.of(a, b)) {
        try {
          return probe.expectMessageClass(CheckTask.class, Duration.ofMillis(50));
        } catch (AssertionError nothingYet) {
          // ask the other
        }
      }
    }
    throw new AssertionError("neither node was asked to check the task within 5 s");
  }

  /** Tests that a waited submission is answered once, at the job's end, with every result. */
  @Test
  void answersAWaitedJobWithItsResults() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(1);
    TestProbe<WorkerProtocol.Command> node = node(coordinator, 1);
    TestProbe<ClientRequests.SubmitReply> reply = testKit.createTestProbe();
    coordinator.tell(
        new ClientRequests.SubmitJob(
            spec("echo"), InputSource.of(longs(3)), true, Duration.ofSeconds(10), reply.ref()));
    node.expectMessageClass(CheckTask.class).replyTo().tell(new TaskChecked(null));
    int covered = 0;
    while (covered < 3) {
      RunBatch batch = nextBatch(node);
      covered += batch.inputs().size();
      coordinator.tell(echo(batch, node.ref()));
    }
    ClientRequests.Completed completed = (ClientRequests.Completed) reply.receiveMessage();
    assertThat(status(completed.job()).state()).isEqualTo(JobStatus.State.SUCCEEDED);
    List<Result> results =
        completed.results().stream().flatMap(block -> block.results().stream()).toList();
    assertThat(results).extracting(Result::index).containsExactly(0L, 1L, 2L);
    assertThat(results)
        .extracting(result -> result.output().longValue())
        .containsExactly(0L, 1L, 2L);
    reply.expectNoMessage(Duration.ofMillis(100));
  }

  /** Tests that a wait that runs out answers the status alone, and the job goes on. */
  @Test
  void aWaitThatRunsOutAnswersTheStatus() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(0);
    TestProbe<WorkerProtocol.Command> node = node(coordinator, 1);
    TestProbe<ClientRequests.SubmitReply> reply = testKit.createTestProbe();
    coordinator.tell(
        new ClientRequests.SubmitJob(
            spec("echo"), InputSource.of(longs(1)), true, Duration.ofMillis(200), reply.ref()));
    node.expectMessageClass(CheckTask.class).replyTo().tell(new TaskChecked(null));
    RunBatch batch = nextBatch(node);
    ClientRequests.Completed early =
        (ClientRequests.Completed) reply.receiveMessage(Duration.ofSeconds(3));
    assertThat(status(early.job()).state()).isEqualTo(JobStatus.State.RUNNING);
    assertThat(early.results()).isNull();

    coordinator.tell(echo(batch, node.ref()));
    assertThat(awaitState(coordinator, early.job().id(), JobStatus.State.SUCCEEDED).succeeded())
        .isEqualTo(1);
    reply.expectNoMessage(Duration.ofMillis(100));
  }

  private static JobSpec oneAttemptEach() {
    return new JobSpec(new TaskSpec("echo", Map.of()), true, null, 1, 0, 1, Duration.ZERO);
  }

  private static void lose(
      ActorRef<CoordinatorProtocol.Command> coordinator, TestProbe<WorkerProtocol.Command> node) {
    node.stop();
    TestProbe<ClientRequests.ClusterView> cluster = testKit.createTestProbe();
    cluster.awaitAssert(
        () -> {
          coordinator.tell(new ClientRequests.GetCluster(cluster.ref()));
          assertThat(cluster.receiveMessage().nodes().get(NodeTable.idOf(node.ref()))).isEmpty();
          return null;
        });
  }

  /** The log's results as the API streams them, JSON lines. */
  private static List<String> lines(ResultLog log) throws Exception {
    String text =
        log.jsonLines(testKit.system().dispatchers().lookup(DispatcherSelector.blocking()))
            .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), testKit.system())
            .toCompletableFuture()
            .get(10, java.util.concurrent.TimeUnit.SECONDS)
            .utf8String();
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  private static List<Result> resultsOf(ResultLog log) throws Exception {
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(log.closed()).isTrue();
              return null;
            });
    List<Result> results = new ArrayList<>();
    for (String line : lines(log)) {
      results.add(ApiJson.newMapper().readValue(line, Result.class));
    }
    return results;
  }

  /**
   * Tests that a lost node's failure counts only against the batch it reported it had started, even
   * when that is not the oldest it held: the batches waiting in its queue run again without
   * counting against their inputs.
   */
  @Test
  void blamesOnlyTheBatchesALostNodeReportedRunning() throws Exception {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(2);
    TestProbe<WorkerProtocol.Command> a = node(coordinator, 1);
    JobStatus job = submit(coordinator, a, oneAttemptEach(), InputSource.of(longs(3)), false);
    List<RunBatch> held = List.of(nextBatch(a), nextBatch(a), nextBatch(a));
    RunBatch started = held.get(2);
    coordinator.tell(
        BatchProgress.of(a.ref(), List.of(), List.of(new BatchKey(job.id(), started.batchId()))));
    lose(coordinator, a);

    TestProbe<WorkerProtocol.Command> b = node(coordinator, 1);
    for (int i = 0; i < 2; i++) {
      RunBatch again = nextBatch(b);
      assertThat(again.firstIndex()).isIn(0L, 1L);
      assertThat(again.attempt()).isEqualTo(2);
      assertThat(again.confirmStart()).isTrue();
      coordinator.tell(echo(again, b.ref()));
    }
    JobStatus done = awaitState(coordinator, job.id(), JobStatus.State.FAILED);
    assertThat(done.succeeded()).isEqualTo(2);
    List<Result> results = resultsOf(results(coordinator, job.id()));
    assertThat(results.get(2).error().type()).isEqualTo("cohort.Quarantined");
    assertThat(results.get(0).output().longValue()).isZero();
    assertThat(results.get(1).output().longValue()).isEqualTo(1);
  }

  /**
   * Tests that a batch that runs again asks before it starts: once confirmed it counts as running,
   * so a node lost while it runs it is blamed; a batch of a cancelled job is refused.
   */
  @Test
  void confirmsTheStartOfBatchesThatRunAgain() throws Exception {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(0);
    TestProbe<WorkerProtocol.Command> a = node(coordinator, 1);
    JobStatus job = submit(coordinator, a, oneAttemptEach(), InputSource.of(longs(1)), false);
    nextBatch(a);
    lose(coordinator, a); // it never reported the start: the input runs again, not blamed

    TestProbe<WorkerProtocol.Command> b = node(coordinator, 1);
    RunBatch again = nextBatch(b);
    assertThat(again.confirmStart()).isTrue();
    BatchKey key = new BatchKey(job.id(), again.batchId());
    coordinator.tell(new StartRequested(b.ref(), key));
    b.expectMessage(new WorkerProtocol.StartConfirmed(key, true));
    lose(coordinator, b);

    JobStatus done = awaitState(coordinator, job.id(), JobStatus.State.FAILED);
    assertThat(done.failed()).isEqualTo(1);
    assertThat(resultsOf(results(coordinator, job.id())).get(0).error().type())
        .isEqualTo("cohort.Quarantined");

    TestProbe<WorkerProtocol.Command> c = node(coordinator, 1);
    JobStatus other = submit(coordinator, c, oneAttemptEach(), InputSource.of(longs(1)), false);
    RunBatch first = nextBatch(c);
    coordinator.tell(
        new ClientRequests.CancelJob(
            other.id(), testKit.<Optional<JobState>>createTestProbe().ref()));
    c.expectMessage(new WorkerProtocol.CancelJob(other.id()));
    c.expectMessage(new WorkerProtocol.JobEnded(other.id()));
    BatchKey cancelled = new BatchKey(other.id(), first.batchId());
    coordinator.tell(new StartRequested(c.ref(), cancelled));
    c.expectMessage(new WorkerProtocol.StartConfirmed(cancelled, false));
  }

  /**
   * Tests that a job that requires a label waits, its status saying why, while no node or only a
   * node without the label is registered, sends nothing to that node, runs on a node with the label
   * once it registers, waits again when that node leaves, and ends on the next one.
   */
  @Test
  void aJobRunsOnlyOnNodesWithTheLabelsItRequires() {
    ActorRef<CoordinatorProtocol.Command> coordinator = coordinator(1);
    JobSpec spec = spec("echo").withRequire(Requirement.parse(List.of("gpu"), "--require"), true);
    TestProbe<ClientRequests.SubmitReply> reply = testKit.createTestProbe();
    coordinator.tell(
        new ClientRequests.SubmitJob(spec, InputSource.of(longs(6)), false, reply.ref()));
    JobStatus accepted = status(((ClientRequests.Accepted) reply.receiveMessage()).job());
    assertThat(accepted.waiting()).isEqualTo("no node has joined the cluster yet");

    TestProbe<WorkerProtocol.Command> plain = node(coordinator, 2);
    TestProbe<Optional<JobState>> get = testKit.createTestProbe();
    coordinator.tell(new ClientRequests.GetJob(accepted.id(), get.ref()));
    assertThat(get.receiveMessage().orElseThrow().waiting())
        .startsWith("no node has the label gpu (nodes have: no labels on ");

    TestProbe<WorkerProtocol.Command> gpu = testKit.createTestProbe();
    coordinator.tell(
        new RegisterNode(
            gpu.ref(), 2, TASKS, CoordinatorProtocol.VERSION, null, false, List.of("gpu=a100")));
    gpu.expectMessageClass(Registered.class);
    // The only node with the label leaves before it started anything: the job waits again, and
    // what it held runs again on the next node with the label, none of its inputs failed.
    RunBatch lostBatch = nextBatch(gpu);
    PENDING.remove(gpu);
    coordinator.tell(new Membership.Lost(NodeTable.idOf(gpu.ref()), null, "it stopped"));
    coordinator.tell(new ClientRequests.GetJob(accepted.id(), get.ref()));
    assertThat(get.receiveMessage().orElseThrow().waiting())
        .startsWith("no node has the label gpu");

    TestProbe<WorkerProtocol.Command> gpu2 = testKit.createTestProbe();
    coordinator.tell(
        new RegisterNode(
            gpu2.ref(), 2, TASKS, CoordinatorProtocol.VERSION, null, false, List.of("gpu")));
    gpu2.expectMessageClass(Registered.class);
    long covered = 0;
    while (covered < 6) {
      RunBatch batch = nextBatch(gpu2);
      covered += batch.inputs().size();
      coordinator.tell(echo(batch, gpu2.ref()));
    }
    assertThat(lostBatch.attempt()).isEqualTo(1);
    JobStatus done = awaitState(coordinator, accepted.id(), JobStatus.State.SUCCEEDED);
    assertThat(done.succeeded()).isEqualTo(6);
    assertThat(done.failed()).isZero();
    assertThat(done.waiting()).isNull();
    // Every node hears that the job ended (for its teardown); the unlabelled one got nothing else.
    plain.expectMessage(new WorkerProtocol.JobEnded(accepted.id()));
    expectNoBatch(plain, Duration.ofMillis(100));
  }
}
