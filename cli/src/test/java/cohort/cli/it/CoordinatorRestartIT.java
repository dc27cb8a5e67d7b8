package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The coordinator goes away, cleanly and not; its nodes wait and serve the next one. */
class CoordinatorRestartIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(2, false);

  /**
   * Tests that a coordinator stopped with SIGTERM exits 0, that clients then say it cannot be
   * reached, and that restarted coordinators (after a clean stop and after SIGKILL) get the same
   * node JVMs back without restarting them; only the coordinator after SIGKILL rebuilds the
   * journal, which the killed one left open.
   */
  @Test
  void restartedCoordinatorGetsItsNodesBack() throws Exception {
    LocalCluster cluster = CLUSTER.cluster();
    List<Long> pids = cluster.nodes().stream().map(JvmProcess::pid).toList();
    String firstUrl = cluster.url();

    cluster.coordinator().terminate();
    assertThat(cluster.coordinator().waitFor(Duration.ofSeconds(60))).contains(0);
    Cli.Run down = Cli.run("nodes", "--coordinator", firstUrl);
    assertThat(down.exitCode()).isEqualTo(2);
    assertThat(down.stderr()).contains("cannot reach the coordinator at " + firstUrl);

    String secondUrl = cluster.restartCoordinator();
    assertThat(log(cluster.coordinator())).doesNotContain(REBUILT);
    servesItsNodes(secondUrl, pids);

    // A submit that may not reconnect says it lost its coordinator, and exits 2.
    Cli.Running attached =
        Cli.start(
            Map.of("COHORT_RECONNECT_TIMEOUT", "0"),
            List.of(),
            null,
            Cli.sleepsArgs(secondUrl, 20, 1000).toArray(String[]::new));
    attached.awaitStdoutLines(2, Duration.ofSeconds(60));
    cluster.coordinator().kill();
    cluster.coordinator().waitFor(Duration.ofSeconds(30));
    Cli.Run cut = attached.await(Duration.ofSeconds(30));
    assertThat(cut.exitCode()).as(cut.stderr()).isEqualTo(2);
    assertThat(cut.stderr()).contains("lost the connection to the coordinator at " + secondUrl);

    String thirdUrl = cluster.restartCoordinator();
    assertThat(log(cluster.coordinator())).contains(REBUILT);
    servesItsNodes(thirdUrl, pids);
  }

  private static final String REBUILT = "did not stop cleanly; rebuilt it from its";

  private static String log(JvmProcess process) throws java.io.IOException {
    return java.nio.file.Files.readString(process.log().orElseThrow());
  }

  private static void servesItsNodes(String url, List<Long> pids) {
    CohortClient client = CohortClient.connect(URI.create(url));
    // Each node joins the restarted coordinator as a new member, on a new port, and prints its
    // ready line again with that address.
    Jobs.awaitCluster(
        client,
        status ->
            status.nodes().stream().filter(n -> n.status().equals("UP")).count() == 2
                && status.nodes().stream()
                    .map(n -> n.address())
                    .collect(java.util.stream.Collectors.toSet())
                    .equals(
                        CLUSTER.cluster().nodes().stream()
                            .map(node -> node.readiness().orElseThrow().get("node"))
                            .collect(java.util.stream.Collectors.toSet())),
        Duration.ofSeconds(90),
        "both nodes back, each at the address of its latest ready line");
    assertThat(CLUSTER.cluster().nodes()).allSatisfy(node -> assertThat(node.isAlive()).isTrue());
    assertThat(CLUSTER.cluster().nodes().stream().map(JvmProcess::pid).toList()).isEqualTo(pids);
    JobStatus job = client.submit(JobRequest.range("echo", "0..1000"));
    assertThat(Jobs.results(client, job.id())).hasSize(1000);
    assertThat(client.status(job.id()).state()).isEqualTo(JobStatus.State.SUCCEEDED);
  }
}
