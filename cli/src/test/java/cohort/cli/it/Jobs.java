package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ClusterStatus;
import cohort.api.Result;
import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Helpers the system tests share: inputs, result checks, waiting on the cluster. */
final class Jobs {

  private Jobs() {}

  static List<JsonNode> repeat(long value, int count) {
    List<JsonNode> inputs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      inputs.add(LongNode.valueOf(value));
    }
    return inputs;
  }

  static List<JsonNode> texts(String... values) {
    List<JsonNode> inputs = new ArrayList<>();
    for (String value : values) {
      inputs.add(TextNode.valueOf(value));
    }
    return inputs;
  }

  static List<Result> results(CohortClient client, String job) {
    try (Stream<Result> results = client.results(job)) {
      return results.toList();
    }
  }

  /** Asserts one result per input, each index once, in order. */
  static void assertEveryIndexOnce(List<Result> results, int total) {
    assertThat(results).hasSize(total);
    for (int i = 0; i < total; i++) {
      assertThat(results.get(i).index()).isEqualTo(i);
    }
  }

  /** Polls the cluster until the condition holds; fails after {@code timeout}. */
  static ClusterStatus awaitCluster(
      CohortClient client, Predicate<ClusterStatus> condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ClusterStatus last = null;
    while (System.nanoTime() < deadline) {
      last = client.cluster();
      if (condition.test(last)) {
        return last;
      }
      pause(50);
    }
    throw new AssertionError("timed out waiting for " + what + "; cluster: " + last);
  }

  /** Waits until the job's status meets the condition (within 30 s). */
  static cohort.api.JobStatus awaitState(
      CohortClient client, String job, Predicate<cohort.api.JobStatus> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    cohort.api.JobStatus last = null;
    while (System.nanoTime() < deadline) {
      last = client.status(job);
      if (condition.test(last)) {
        return last;
      }
      pause(20);
    }
    throw new AssertionError("timed out waiting on job " + job + "; its status: " + last);
  }

  /** Makes sure at least {@code count} nodes are up, starting more if needed. */
  static void ensureNodes(LocalCluster cluster, CohortClient client, int count) {
    long alive = cluster.nodes().stream().filter(JvmProcess::isAlive).count();
    for (long i = alive; i < count; i++) {
      cluster.launchNode(1);
    }
    awaitCluster(
        client,
        status -> status.nodes().stream().filter(n -> n.status().equals("UP")).count() >= count,
        Duration.ofSeconds(90),
        count + " nodes up");
  }

  /**
   * The live node process at a cluster address, by its latest readiness line. A node that joined
   * anew (removed after missing heartbeats on a loaded machine) prints its line with its new
   * address once accepted, and may run inputs before this JVM has read it, so this waits up to 30 s
   * for it.
   */
  static JvmProcess nodeAt(LocalCluster cluster, String address) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Optional<JvmProcess> found =
          cluster.nodes().stream()
              .filter(JvmProcess::isAlive)
              .filter(
                  node -> node.readiness().map(r -> address.equals(r.get("node"))).orElse(false))
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no live node at " + address);
      }
      pause(50);
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
