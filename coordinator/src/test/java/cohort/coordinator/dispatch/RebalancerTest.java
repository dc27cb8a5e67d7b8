package cohort.coordinator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.TaskInfo;
import cohort.api.labels.NodeLabels;
import cohort.api.labels.Requirement;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.WorkerProtocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RebalancerTest {

  private static ActorTestKit testKit;
  private static ActorRef<WorkerProtocol.Command> busy;
  private static ActorRef<WorkerProtocol.Command> busier;
  private static ActorRef<WorkerProtocol.Command> idle;

  private static final List<TaskInfo> SLEEP =
      List.of(new TaskInfo("sleep", "", "integer", List.of(), null, null));
  private static final List<TaskInfo> ECHO =
      List.of(new TaskInfo("echo", "", "any", List.of(), null, null));

  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local"));
    busy = testKit.<WorkerProtocol.Command>createTestProbe().ref();
    busier = testKit.<WorkerProtocol.Command>createTestProbe().ref();
    idle = testKit.<WorkerProtocol.Command>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static String id(ActorRef<WorkerProtocol.Command> worker) {
    return NodeTable.idOf(worker);
  }

  private static BatchKey key(long batch) {
    return new BatchKey("j", batch);
  }

  /** Every batch of job "j" runs sleep for the given time. */
  private static Function<BatchKey, Optional<Rebalancer.Held>> sleeping(long nanos) {
    return key -> Optional.of(new Rebalancer.Held("sleep", nanos));
  }

  /** One slot running batch 1 and batches 2 and 3 queued behind it; a node that joined. */
  private static NodeTable oneBusyOneIdle() {
    return NodeTable.empty()
        .registered(busy, "busy:1", 1, 2, SLEEP)
        .taken(id(busy), key(1))
        .started(id(busy), key(1))
        .taken(id(busy), key(2))
        .taken(id(busy), key(3))
        .registered(idle, "idle:1", 1, 2, SLEEP);
  }

  /** Tests that an idle slot gets the newest queued batch, never the running one. */
  @Test
  void idleSlotAsksForTheNewestQueuedBatch() {
    Rebalancer rebalancer = new Rebalancer(Duration.ofMillis(50));
    List<Rebalancer.Recall> recalls = rebalancer.plan(oneBusyOneIdle(), sleeping(SECOND));
    assertThat(recalls).hasSize(1);
    assertThat(recalls.get(0).holder().id()).isEqualTo(id(busy));
    assertThat(recalls.get(0).batches()).containsExactly(key(3));
  }

  /** Tests that a request is made once: while it is unanswered the idle slot counts as served. */
  @Test
  void asksOnceUntilAnswered() {
    Rebalancer rebalancer = new Rebalancer(Duration.ofMillis(50));
    NodeTable nodes = oneBusyOneIdle();
    assertThat(rebalancer.plan(nodes, sleeping(SECOND))).hasSize(1);
    assertThat(rebalancer.plan(nodes, sleeping(SECOND))).isEmpty();

    // The node had started batch 3 meanwhile and kept it: batch 2 may still move, 3 never.
    rebalancer.answered(id(busy), List.of());
    List<Rebalancer.Recall> again =
        rebalancer.plan(nodes.started(id(busy), key(3)), sleeping(SECOND));
    assertThat(again).hasSize(1);
    assertThat(again.get(0).batches()).containsExactly(key(2));
    rebalancer.answered(id(busy), List.of());
    assertThat(rebalancer.plan(nodes, sleeping(SECOND))).isEmpty();
  }

  /** Tests that a batch given back is no longer asked for and a later one may be. */
  @Test
  void givenBackBatchesLeaveTheRequest() {
    Rebalancer rebalancer = new Rebalancer(Duration.ofMillis(50));
    NodeTable nodes = oneBusyOneIdle();
    rebalancer.plan(nodes, sleeping(SECOND));
    rebalancer.answered(id(busy), List.of(key(3)));
    NodeTable after =
        nodes.returned(id(busy), key(3)).taken(id(idle), key(4)).started(id(idle), key(4));
    assertThat(rebalancer.plan(after, sleeping(SECOND))).isEmpty(); // no idle slot left
    assertThat(rebalancer.pendingCount()).isZero();
  }

  /** Tests that quick batches stay where they are and unmeasured ones move. */
  @Test
  void onlyLongEnoughBatchesMove() {
    Rebalancer rebalancer = new Rebalancer(Duration.ofMillis(50));
    assertThat(rebalancer.plan(oneBusyOneIdle(), sleeping(Duration.ofMillis(10).toNanos())))
        .isEmpty();
    assertThat(rebalancer.plan(oneBusyOneIdle(), sleeping(-1))).hasSize(1);
  }

  /** Tests that a node never takes work for a task it does not run, nor from a gone job. */
  @Test
  void onlyTasksTheIdleNodeRuns() {
    Rebalancer rebalancer = new Rebalancer(Duration.ZERO);
    NodeTable nodes =
        NodeTable.empty()
            .registered(busy, "busy:1", 1, 2, SLEEP)
            .taken(id(busy), key(1))
            .taken(id(busy), key(2))
            .registered(idle, "idle:1", 1, 2, ECHO);
    assertThat(rebalancer.plan(nodes, sleeping(SECOND))).isEmpty();
    NodeTable sleepers = nodes.registered(idle, "idle:1", 1, 2, SLEEP).taken(id(busy), key(3));
    assertThat(rebalancer.plan(sleepers, key -> Optional.empty())).isEmpty();
  }

  /**
   * Tests that the holders with most queued go first and that no holder gives more than it holds
   * beyond its slots.
   */
  @Test
  void takesFromTheBusiestFirst() {
    Rebalancer rebalancer = new Rebalancer(Duration.ZERO);
    NodeTable nodes =
        NodeTable.empty()
            .registered(busy, "busy:1", 1, 3, SLEEP)
            .taken(id(busy), new BatchKey("a", 1))
            .taken(id(busy), new BatchKey("a", 2))
            .registered(busier, "busier:1", 1, 3, SLEEP)
            .taken(id(busier), new BatchKey("b", 1))
            .taken(id(busier), new BatchKey("b", 2))
            .taken(id(busier), new BatchKey("b", 3))
            .registered(idle, "idle:1", 3, 1, SLEEP);
    Map<String, List<BatchKey>> asked =
        rebalancer.plan(nodes, sleeping(SECOND)).stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    recall -> recall.holder().address(), Rebalancer.Recall::batches));
    assertThat(asked)
        .containsEntry("busier:1", List.of(new BatchKey("b", 3), new BatchKey("b", 2)))
        .containsEntry("busy:1", List.of(new BatchKey("a", 2)));
  }

  /** Tests that nothing moves when the rebalancer is off, and that a bad setting is refused. */
  @Test
  void offMovesNothing() {
    assertThat(Rebalancer.off().plan(oneBusyOneIdle(), sleeping(SECOND))).isEmpty();
    assertThatThrownBy(() -> new Rebalancer(Duration.ofMillis(-1)))
        .hasMessageContaining("move-queued-over");
  }

  /** Tests that what concerns a node that left is forgotten. */
  @Test
  void forgetsNodesThatLeft() {
    Rebalancer rebalancer = new Rebalancer(Duration.ZERO);
    NodeTable nodes = oneBusyOneIdle();
    rebalancer.plan(nodes, sleeping(SECOND));
    assertThat(rebalancer.pendingCount()).isEqualTo(1);
    rebalancer.plan(nodes.removed(id(busy)), sleeping(SECOND));
    assertThat(rebalancer.pendingCount()).isZero();
  }

  /**
   * Tests that a queued batch of a job that requires a label stays where it is while the only idle
   * slot is on a node without the label, and moves to an idle node that has it.
   */
  @Test
  void queuedWorkMovesOnlyToANodeWithTheLabelsItRequires() {
    Requirement gpu = Requirement.parse(List.of("gpu"), "--require");
    Function<BatchKey, Optional<Rebalancer.Held>> needsGpu =
        key -> Optional.of(new Rebalancer.Held("sleep", SECOND, gpu));
    NodeTable unlabelledIdle =
        NodeTable.empty()
            .registered(
                busy, "busy:1", 1, 2, SLEEP, null, false, NodeLabels.parse(List.of("gpu"), "x"))
            .taken(id(busy), key(1))
            .started(id(busy), key(1))
            .taken(id(busy), key(2))
            .registered(idle, "idle:1", 1, 2, SLEEP);
    assertThat(new Rebalancer(Duration.ofMillis(50)).plan(unlabelledIdle, needsGpu)).isEmpty();

    NodeTable gpuIdle =
        unlabelledIdle.registered(
            idle, "idle:1", 1, 2, SLEEP, null, false, NodeLabels.parse(List.of("gpu=a100"), "x"));
    List<Rebalancer.Recall> recalls = new Rebalancer(Duration.ofMillis(50)).plan(gpuIdle, needsGpu);
    assertThat(recalls).hasSize(1);
    assertThat(recalls.get(0).batches()).containsExactly(key(2));
  }
}
