package cohort.coordinator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.TaskInfo;
import cohort.api.labels.NodeLabels;
import cohort.api.labels.Requirement;
import cohort.coordinator.ClientRequests;
import cohort.coordinator.http.ApiViews;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.WorkerProtocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NodeTableTest {

  private static ActorTestKit testKit;
  private static ActorRef<WorkerProtocol.Command> workerA;
  private static ActorRef<WorkerProtocol.Command> workerB;

  private static final List<TaskInfo> ECHO =
      List.of(new TaskInfo("echo", "", "any", List.of(), null, null));
  private static final List<TaskInfo> SLEEP =
      List.of(new TaskInfo("sleep", "", "integer", List.of(), null, null));

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local"));
    workerA = testKit.<WorkerProtocol.Command>createTestProbe().ref();
    workerB = testKit.<WorkerProtocol.Command>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Tests that credit is slots times one plus prefetch, taken per batch and returned once. */
  @Test
  void creditFollowsBatches() {
    NodeTable table = NodeTable.empty().registered(workerA, "a:1", 2, 1, ECHO);
    String a = NodeTable.idOf(workerA);
    assertThat(table.get(a).orElseThrow().free()).isEqualTo(4);
    table = table.taken(a, key(1)).taken(a, key(2));
    assertThat(table.get(a).orElseThrow().free()).isEqualTo(2);
    table = table.returned(a, key(1)).returned(a, key(1)).returned(a, new BatchKey("other", 1));
    assertThat(table.get(a).orElseThrow().free()).isEqualTo(3);
  }

  /** Tests that a node with no credit left cannot take a batch. */
  @Test
  void refusesBeyondCredit() {
    String a = NodeTable.idOf(workerA);
    NodeTable table = NodeTable.empty().registered(workerA, "a:1", 1, 0, ECHO).taken(a, key(1));
    assertThatThrownBy(() -> table.taken(a, key(2))).hasMessageContaining("no credit");
    assertThat(table.withCredit()).isEmpty();
  }

  /** Tests that registering again from the same worker keeps what it holds. */
  @Test
  void reRegistrationKeepsOutstandingBatches() {
    String a = NodeTable.idOf(workerA);
    NodeTable table = NodeTable.empty().registered(workerA, "a:1", 1, 1, ECHO).taken(a, key(1));
    table = table.registered(workerA, "a:1", 1, 1, ECHO);
    assertThat(table.get(a).orElseThrow().outstanding()).containsExactly(key(1));
  }

  /** Tests the cluster view, task union and slot counts per task. */
  @Test
  void viewsTheCluster() {
    NodeTable table =
        NodeTable.empty()
            .registered(workerA, "a:1", 2, 1, ECHO)
            .registered(workerB, "b:1", 3, 1, SLEEP)
            .taken(NodeTable.idOf(workerB), key(1));
    assertThat(table.slotsFor("echo", Requirement.NONE)).isEqualTo(2);
    assertThat(table.slotsFor("sleep", Requirement.NONE)).isEqualTo(3);
    assertThat(table.tasks()).extracting(TaskInfo::name).containsExactly("echo", "sleep");
    assertThat(table.withCredit().get(0).address()).isEqualTo("b:1");
    var view = ApiViews.cluster(new ClientRequests.ClusterView("c:1", table, 1));
    assertThat(view.slots()).isEqualTo(5);
    assertThat(view.busySlots()).isEqualTo(1);
    assertThat(table.removed(NodeTable.idOf(workerA)).nodes()).hasSize(1);
  }

  /** Tests that a node's running batches are those it reported started and still holds. */
  @Test
  void startedBatchesAreRunningUntilReturned() {
    String a = NodeTable.idOf(workerA);
    NodeTable table = NodeTable.empty().registered(workerA, "a:1", 1, 2, ECHO);
    table = table.taken(a, key(1)).taken(a, key(2)).started(a, key(2)).started(a, key(9));
    assertThat(table.get(a).orElseThrow().running()).containsExactly(key(2));
    table = table.registered(workerA, "a:1", 1, 2, ECHO);
    assertThat(table.get(a).orElseThrow().running()).containsExactly(key(2));
    table = table.returned(a, key(2));
    assertThat(table.get(a).orElseThrow().running()).isEmpty();
    assertThat(table.get(a).orElseThrow().outstanding()).containsExactly(key(1));
    assertThat(table.started(a, key(2)).get(a).orElseThrow().running()).isEmpty();
  }

  /**
   * Tests that a node has room for a job while it holds fewer than its slots times one plus the
   * job's queue per slot, the freest first, and that idle nodes are those with an empty slot.
   */
  @Test
  void roomAndIdleSlotsFollowBatches() {
    String a = NodeTable.idOf(workerA);
    String b = NodeTable.idOf(workerB);
    NodeTable table =
        NodeTable.empty()
            .registered(workerA, "a:1", 2, 3, ECHO)
            .registered(workerB, "b:1", 1, 3, ECHO)
            .taken(a, key(1))
            .taken(a, key(2));
    assertThat(table.withRoom(0)).extracting(NodeTable.Node::id).containsExactly(b);
    assertThat(table.withRoom(1)).extracting(NodeTable.Node::id).containsExactly(a, b);
    assertThat(table.idle()).extracting(NodeTable.Node::id).containsExactly(b);
    table = table.taken(b, key(3));
    assertThat(table.withRoom(0)).isEmpty();
    assertThat(table.idle()).isEmpty();
    assertThat(table.withRoom(1)).extracting(NodeTable.Node::id).containsExactly(a, b);
    table = table.draining(b);
    assertThat(table.withRoom(1)).extracting(NodeTable.Node::id).containsExactly(a);
    table = table.returned(a, key(1));
    assertThat(table.idle()).extracting(NodeTable.Node::id).containsExactly(a);
    assertThat(table.withCredit()).extracting(NodeTable.Node::id).containsExactly(a);
    assertThat(table.size()).isEqualTo(2);
    assertThat(table.slots()).isEqualTo(3);
  }

  /**
   * Tests that slots, capacity and candidates per task follow nodes that join, leave, drain or are
   * doubted, and stay as they were while batches come and go.
   */
  @Test
  void perTaskSumsFollowTheNodesNotTheirBatches() {
    String a = NodeTable.idOf(workerA);
    String b = NodeTable.idOf(workerB);
    NodeTable one = NodeTable.empty().registered(workerA, "a:1", 2, 1, ECHO);
    assertThat(one.slotsFor("echo", Requirement.NONE)).isEqualTo(2);
    assertThat(one.capacityFor("echo", Requirement.NONE)).isEqualTo(4);
    assertThat(one.candidates("echo", Requirement.NONE)).containsExactly("a:1");
    NodeTable two = one.registered(workerB, "b:1", 3, 1, ECHO);
    assertThat(two.slotsFor("echo", Requirement.NONE)).isEqualTo(5);
    assertThat(two.capacityFor("echo", Requirement.NONE)).isEqualTo(10);
    assertThat(two.candidates("echo", Requirement.NONE)).containsExactlyInAnyOrder("a:1", "b:1");
    NodeTable busy = two.taken(a, key(1)).started(a, key(1)).taken(b, key(2)).returned(b, key(2));
    assertThat(busy.slotsFor("echo", Requirement.NONE)).isEqualTo(5);
    assertThat(busy.candidates("echo", Requirement.NONE)).containsExactlyInAnyOrder("a:1", "b:1");
    assertThat(busy.reachable(b, false).slotsFor("echo", Requirement.NONE)).isEqualTo(2);
    assertThat(busy.reachable(b, false).candidates("echo", Requirement.NONE))
        .containsExactly("a:1");
    assertThat(busy.reachable(b, false).reachable(b, true).slotsFor("echo", Requirement.NONE))
        .isEqualTo(5);
    assertThat(busy.draining(a).capacityFor("echo", Requirement.NONE)).isEqualTo(6);
    assertThat(busy.removed(b).slotsFor("echo", Requirement.NONE)).isEqualTo(2);
    assertThat(busy.removed(b).candidates("echo", Requirement.NONE)).containsExactly("a:1");
    assertThat(one.slotsFor("echo", Requirement.NONE))
        .isEqualTo(2); // the tables before are as they were
    assertThat(busy.slotsFor("sleep", Requirement.NONE)).isZero();
  }

  /**
   * Tests that the nodes with room and the idle ones are those a look at every node finds, through
   * a long run of random joins, batches taken, started and returned, doubts, drains and departures.
   */
  @Test
  void findsRoomAndIdleSlotsAsALookAtEveryNodeWould() {
    List<ActorRef<WorkerProtocol.Command>> workers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      workers.add(testKit.<WorkerProtocol.Command>createTestProbe().ref());
    }
    Random random = new Random(7);
    NodeTable table = NodeTable.empty();
    long batch = 0;
    for (int step = 0; step < 3000; step++) {
      ActorRef<WorkerProtocol.Command> worker = workers.get(random.nextInt(workers.size()));
      String id = NodeTable.idOf(worker);
      Optional<NodeTable.Node> node = table.get(id);
      int op = random.nextInt(12);
      if (node.isEmpty() || op == 0) {
        table =
            table.registered(
                worker, "h:" + (id.hashCode() % 5), 1 + random.nextInt(4), random.nextInt(3), ECHO);
      } else if (op <= 4 && node.get().free() > 0) {
        table = table.taken(id, key(batch++));
      } else if (op <= 8 && !node.get().outstanding().isEmpty()) {
        BatchKey held = node.get().outstanding().head();
        table = random.nextBoolean() ? table.returned(id, held) : table.started(id, held);
      } else if (op == 9) {
        table = table.reachable(id, random.nextBoolean());
      } else if (op == 10 && random.nextInt(4) == 0) {
        table = table.draining(id);
      } else if (op == 11 && random.nextInt(4) == 0) {
        table = table.removed(id);
      }
      for (int queued : new int[] {0, 1, 3, Integer.MAX_VALUE}) {
        assertThat(table.withRoom(queued)).containsExactlyElementsOf(roomByLooking(table, queued));
      }
      assertThat(table.idle()).containsExactlyElementsOf(idleByLooking(table));
      assertThat(table.slotsFor("echo", Requirement.NONE))
          .isEqualTo(
              table.nodes().stream()
                  .filter(NodeTable.Node::available)
                  .mapToInt(NodeTable.Node::slots)
                  .sum());
    }
  }

  private static List<NodeTable.Node> roomByLooking(NodeTable table, int queued) {
    return table.nodes().stream()
        .filter(n -> n.free() > 0 && n.outstanding().size() < (long) n.slots() * (1L + queued))
        .sorted(
            Comparator.comparingInt(NodeTable.Node::free)
                .reversed()
                .thenComparing(NodeTable.Node::id))
        .toList();
  }

  private static List<NodeTable.Node> idleByLooking(NodeTable table) {
    return table.nodes().stream()
        .filter(n -> n.available() && n.outstanding().size() < n.slots())
        .toList();
  }

  private static BatchKey key(long batch) {
    return new BatchKey("j", batch);
  }

  /**
   * Tests that the nodes that may run a job with required labels are those that take work, offer
   * its task and have every label: candidates, slots and capacity count only them.
   */
  @Test
  void candidatesMeetTheRequiredLabels() {
    NodeTable table =
        NodeTable.empty()
            .registered(
                workerA,
                "a:1",
                2,
                1,
                ECHO,
                null,
                false,
                NodeLabels.parse(List.of("gpu=a100", "zone=a"), "x"))
            .registered(
                workerB, "b:1", 3, 1, ECHO, null, false, NodeLabels.parse(List.of("zone=b"), "x"));
    Requirement gpu = Requirement.parse(List.of("gpu"), "x");
    Requirement zoneB = Requirement.parse(List.of("zone=b"), "x");
    Requirement both = Requirement.parse(List.of("gpu", "zone=b"), "x");
    assertThat(table.candidates("echo", Requirement.NONE)).containsExactlyInAnyOrder("a:1", "b:1");
    assertThat(table.candidates("echo", gpu)).containsExactly("a:1");
    assertThat(table.slotsFor("echo", gpu)).isEqualTo(2);
    assertThat(table.capacityFor("echo", gpu)).isEqualTo(4);
    assertThat(table.candidates("echo", zoneB)).containsExactly("b:1");
    assertThat(table.slotsFor("echo", zoneB)).isEqualTo(3);
    assertThat(table.candidates("echo", both)).isEmpty();
    assertThat(table.slotsFor("echo", both)).isZero();
    assertThat(table.candidates("sleep", gpu)).isEmpty();
    // A node that drains leaves the candidates, and the answer is worked out again.
    assertThat(table.draining(NodeTable.idOf(workerA)).candidates("echo", gpu)).isEmpty();
    assertThat(table.get(NodeTable.idOf(workerA)).orElseThrow().labels().texts())
        .containsExactly("gpu=a100", "zone=a");
  }
}
