package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.NodeStatus;
import cohort.api.Result;
import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import cohort.client.CohortException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Node labels route work, with real JVMs: one cluster of a node labelled {@code gpu=a100} and
 * {@code zone=a} and one labelled {@code zone=b}, shared by every test (a third node, labelled
 * {@code ssd}, joins for a job that waits for it).
 */
class LabelsIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(0, false);

  @BeforeAll
  static void startLabelledNodes() {
    LocalCluster cluster = CLUSTER.cluster();
    JvmProcess gpu = cluster.launchNode(1, List.of("--label", "gpu=a100", "--label", "zone=a"));
    JvmProcess zoneB = cluster.launchNode(1, List.of("--label", "zone=b"));
    gpu.awaitReady(LocalCluster.START_TIMEOUT);
    zoneB.awaitReady(LocalCluster.START_TIMEOUT);
    Jobs.awaitCluster(
        CLUSTER.client(),
        status -> status.nodes().stream().filter(n -> n.status().equals("UP")).count() >= 2,
        Duration.ofSeconds(60),
        "both labelled nodes up");
  }

  /**
   * The addresses of the nodes up now with this label as written. Looked up when needed: on a
   * loaded machine a node may be downed as unreachable and join again at another port.
   */
  private static Set<String> labelled(String label) {
    return CLUSTER.client().cluster().nodes().stream()
        .filter(node -> node.labels() != null && node.labels().contains(label))
        .map(NodeStatus::address)
        .collect(Collectors.toSet());
  }

  /**
   * Tests that a job that requires labels runs every input on the nodes that have them, and none
   * elsewhere: {@code gpu} (a bare name) on the node labelled {@code gpu=a100}, and, through the
   * CLI, {@code zone=b} on the node labelled so.
   */
  @Test
  @Timeout(60)
  void requireRoutesEveryInputToTheLabelledNodes() {
    CohortClient client = CLUSTER.client();
    Set<String> gpu = labelled("gpu=a100");
    Set<String> zoneB = labelled("zone=b");
    JobStatus job =
        client.submit(
            JobRequest.of("where", Jobs.repeat(20, 30))
                .withOrdered(false)
                .withBatch(1)
                .withRequire(List.of("gpu")));
    List<Result> results = Jobs.results(client, job.id());
    assertThat(results).hasSize(30);
    gpu.addAll(labelled("gpu=a100"));
    assertThat(results.stream().map(r -> r.output().textValue()).collect(Collectors.toSet()))
        .isNotEmpty()
        .isSubsetOf(gpu);

    Cli.Run run =
        Cli.run(
            "submit",
            "where",
            "20",
            "20",
            "20",
            "20",
            "20",
            "20",
            "--batch",
            "1",
            "--require",
            "zone=b",
            "--coordinator",
            CLUSTER.cluster().url());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    zoneB.addAll(labelled("zone=b"));
    assertThat(run.stdout())
        .hasSize(6)
        .allSatisfy(line -> assertThat(zoneB).anySatisfy(node -> assertThat(line).contains(node)));
  }

  /** Tests that {@code cohort nodes} and {@code GET /cluster} show each node's labels. */
  @Test
  @Timeout(30)
  void nodesShowTheirLabels() {
    List<List<String>> labels =
        CLUSTER.client().cluster().nodes().stream().map(NodeStatus::labels).toList();
    assertThat(labels).contains(List.of("gpu=a100", "zone=a"), List.of("zone=b"));

    Cli.Run nodes = Cli.run("nodes", "--coordinator", CLUSTER.cluster().url());
    assertThat(nodes.exitCode()).as(nodes.stderr()).isZero();
    assertThat(nodes.stdout().get(0)).contains("LABELS");
    assertThat(nodes.stdout())
        .anySatisfy(line -> assertThat(line).contains("UP").contains("gpu=a100,zone=a"))
        .anySatisfy(line -> assertThat(line).contains("UP").contains("zone=b"));
  }

  /**
   * Tests that a job requiring a label no node has is refused with a message that names the label
   * and says what the nodes have and how to fix it; and one whose labels no one node has all of.
   */
  @Test
  @Timeout(30)
  void aJobNoNodeCanServeIsRefused() {
    Cli.Run run =
        Cli.run(
            "submit",
            "where",
            "1",
            "--require",
            "gpu=h100",
            "--require",
            "zone=a",
            "--coordinator",
            CLUSTER.cluster().url());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr())
        .contains("no node has the label gpu=h100 (nodes have: ")
        .contains("gpu=a100,zone=a on 127.0.0.1:")
        .contains("--label gpu=h100")
        .contains("--wait-for-nodes");

    assertThatThrownBy(
            () ->
                CLUSTER
                    .client()
                    .submit(
                        JobRequest.of("where", Jobs.repeat(1, 1))
                            .withRequire(List.of("gpu", "zone=b"))))
        .isInstanceOf(CohortException.class)
        .hasMessageContaining("no one node has all the labels gpu, zone=b");
  }

  /**
   * Tests that a job submitted with --wait-for-nodes waits while no node has its label, its status
   * saying why, and runs on a node with the label once one joins.
   */
  @Test
  @Timeout(90)
  void aJobWaitsForANodeWithItsLabels() {
    CohortClient client = CLUSTER.client();
    JobStatus job =
        client.submit(
            JobRequest.of("where", Jobs.repeat(5, 4))
                .withRequire(List.of("ssd"))
                .withWaitForNodes(true));
    assertThat(job.waiting()).contains("no node has the label ssd");
    JobStatus waiting = client.status(job.id());
    assertThat(waiting.state()).isEqualTo(JobStatus.State.PENDING);
    assertThat(waiting.waiting()).contains("no node has the label ssd");

    JvmProcess ssd = CLUSTER.cluster().launchNode(1, List.of("--label", "ssd"));
    String ssdNode = ssd.awaitReady(LocalCluster.START_TIMEOUT).get("node");
    List<Result> results = Jobs.results(client, job.id());
    assertThat(results).hasSize(4);
    Set<String> ssdNodes = labelled("ssd");
    ssdNodes.add(ssdNode);
    assertThat(results.stream().map(r -> r.output().textValue()).collect(Collectors.toSet()))
        .isSubsetOf(ssdNodes);
    JobStatus end = client.status(job.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(end.waiting()).isNull();
  }
}
