package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.TaskError;
import cohort.client.CohortClient;
import cohort.client.CohortException;
import cohort.client.direct.DirectClient;
import cohort.client.direct.TaskFailedException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Direct calls from the Java client straight to the nodes of a real two-node cluster. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DirectCallsIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(2, false);

  /** Tests that many threads with many calls in flight each get their own output back. */
  @Test
  @Order(1)
  @Timeout(120)
  void manyCallsInFlightFromManyThreads() throws Exception {
    Jobs.ensureNodes(CLUSTER.cluster(), CLUSTER.client(), 2);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try (DirectClient direct = CLUSTER.client().direct()) {
      List<Future<List<CompletableFuture<JsonNode>>>> sent = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        sent.add(
            threads.submit(
                () -> {
                  List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
                  for (int i = 0; i < 500; i++) {
                    calls.add(direct.call("echo", Map.of("thread", thread, "i", i)));
                  }
                  return calls;
                }));
      }
      for (int t = 0; t < 8; t++) {
        List<CompletableFuture<JsonNode>> calls = sent.get(t).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < calls.size(); i++) {
          JsonNode output = calls.get(i).get(60, TimeUnit.SECONDS);
          assertThat(output.get("thread").intValue()).isEqualTo(t);
          assertThat(output.get("i").intValue()).isEqualTo(i);
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /** Tests that calls in flight at once spread over the nodes: each goes to the least busy. */
  @Test
  @Order(2)
  @Timeout(120)
  void callsSpreadOverTheNodes() throws Exception {
    Jobs.ensureNodes(CLUSTER.cluster(), CLUSTER.client(), 2);
    try (DirectClient direct = CLUSTER.client().direct()) {
      List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(direct.call("where", 300L));
      }
      Set<String> nodes = new HashSet<>();
      for (CompletableFuture<JsonNode> call : calls) {
        nodes.add(call.get(60, TimeUnit.SECONDS).textValue());
      }
      Set<String> cluster = new HashSet<>();
      CLUSTER.client().cluster().nodes().forEach(node -> cluster.add(node.address()));
      assertThat(nodes).isEqualTo(cluster);
    }
  }

  /** Tests what a failed call says: the task's error, an input it cannot read, a wrong name. */
  @Test
  @Order(3)
  @Timeout(120)
  void failuresSayWhatWentWrong() {
    try (DirectClient direct = CLUSTER.client().direct()) {
      assertThatThrownBy(() -> direct.call("sum-range", "not a range").get(60, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TaskFailedException.class)
          .satisfies(
              e -> {
                TaskError error = ((TaskFailedException) e).error();
                assertThat(error.type()).isEqualTo(TaskError.INPUT_ERROR);
                assertThat(error.message()).contains("not a range");
              });
      assertThatThrownBy(() -> direct.call("echo", Map.of("bogus", 1), 5).get(60, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(TaskFailedException.class)
          .hasMessageContaining("bogus");
      assertThatThrownBy(() -> direct.call("no-such-task", 1).get(60, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(CohortException.class)
          .hasMessageContaining("takes direct calls of task 'no-such-task'");
      // The connection goes on after failures.
      assertThat(direct.call("echo", 7, Integer.class).join()).isEqualTo(7);
    }
  }

  /**
   * Tests that a call whose node dies fails at once, saying so, instead of hanging; and that the
   * next call goes to a node that is still there.
   */
  @Test
  @Order(4)
  @Timeout(120)
  void aCallWhoseNodeDiesFails() throws Exception {
    CohortClient client = CLUSTER.client();
    Jobs.ensureNodes(CLUSTER.cluster(), client, 2);
    String first = client.cluster().nodes().get(0).address();
    try (DirectClient direct = client.direct()) {
      // With no call in flight the first goes to the first node listed, the second to the other.
      CompletableFuture<JsonNode> onFirst = direct.call("where", 100_000L);
      CompletableFuture<JsonNode> onSecond = direct.call("where", 5_000L);
      Jobs.nodeAt(CLUSTER.cluster(), first).kill();
      assertThatThrownBy(() -> onFirst.get(60, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(CohortException.class)
          .hasMessageContaining("closed its direct connection")
          .hasMessageContaining("call it again");
      assertThat(onSecond).isNotDone();
      // Its node's one slot runs the second call's 5 s first: direct calls queue as in a Pool.
      JsonNode next = direct.call("where", 0L).get(60, TimeUnit.SECONDS);
      assertThat(onSecond).isCompleted();
      assertThat(next.textValue()).isNotEqualTo(first);
    }
    Jobs.awaitCluster(
        client,
        status -> status.nodes().size() == 1,
        Duration.ofSeconds(60),
        "the killed node gone");
  }
}
