package cohort.coordinator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.TaskInfo;
import cohort.coordinator.ClientRequests;
import cohort.coordinator.http.ApiViews;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.WorkerProtocol;
import java.util.List;
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
    assertThat(table.slotsFor("echo")).isEqualTo(2);
    assertThat(table.slotsFor("sleep")).isEqualTo(3);
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

  private static BatchKey key(long batch) {
    return new BatchKey("j", batch);
  }
}
