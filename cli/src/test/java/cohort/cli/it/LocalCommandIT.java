package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.cli.CohortCommand;
import cohort.cli.local.JvmProcess;
import cohort.client.CohortClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code cohort local}: Pool(N) as a cluster, with node JVMs supervised. */
class LocalCommandIT {

  /**
   * Tests that cohort local starts a coordinator and N nodes on the ports its environment names (0:
   * free ones, which its readiness line reports), starts a new node when one is killed, and stops
   * every JVM it started when it is stopped.
   */
  @Test
  void startsSupervisesAndStopsAClusterOfJvms() throws Exception {
    Cli.Running local =
        Cli.start(
            Map.of("COHORT_HTTP_PORT", "0", "COHORT_CLUSTER_PORT", "0"),
            List.of(),
            null,
            "local",
            "--nodes",
            "2");
    ProcessHandle handle = local.handle();
    try {
      String ready = local.awaitStdoutLine("cohort local ready", Duration.ofSeconds(120));
      Map<String, String> fields = JvmProcess.parseReady(ready);
      // The environment's port 0 reached the coordinator, which bound a free port, not 8470.
      assertThat(fields.get("http")).matches("http://127\\.0\\.0\\.1:[1-9][0-9]*");
      URI http = URI.create(fields.get("http"));
      assertThat(http.getPort()).isNotEqualTo(8470);
      assertThat(handle.descendants().map(LocalCommandIT::commandLine))
          .anySatisfy(
              command -> assertThat(command).contains(" coordinator ").contains("--http-port 0"));
      CohortClient client = CohortClient.connect(http);
      assertThat(fields).containsEntry("nodes", "2");
      Jobs.awaitCluster(
          client, status -> status.nodes().size() == 2, Duration.ofSeconds(30), "two nodes");

      List<ProcessHandle> nodes =
          handle.descendants().filter(p -> commandLine(p).contains(" node ")).toList();
      assertThat(nodes).hasSize(2);
      java.util.Set<String> before = new java.util.HashSet<>();
      client.cluster().nodes().forEach(n -> before.add(n.address()));
      nodes.get(0).destroyForcibly();
      // Two nodes up, one of them new: the killed one is gone from the cluster, its replacement in.
      Jobs.awaitCluster(
          client,
          status ->
              status.nodes().size() == 2
                  && status.nodes().stream().allMatch(n -> n.status().equals("UP"))
                  && status.nodes().stream().filter(n -> !before.contains(n.address())).count()
                      == 1,
          Duration.ofSeconds(90),
          "a new node in place of the killed one");

      JobStatus job = client.submit(JobRequest.range("sum-range", "0..1000000").withSplit(8));
      assertThat(Jobs.results(client, job.id())).hasSize(8);
      assertThat(client.status(job.id()).combined().longValue()).isEqualTo(499999500000L);

      List<ProcessHandle> children = handle.descendants().toList();
      local.signal("TERM");
      Cli.Run stopped = local.await(Duration.ofSeconds(90));
      assertThat(children)
          .allSatisfy(child -> assertThat(child.isAlive()).as(commandLine(child)).isFalse());
      assertThat(stopped.stderr()).contains("exited with code").contains("in its place");
      assertThat(stopped.exitCode()).as(stopped.stderr()).isZero();
    } finally {
      Children.kill(handle);
    }
  }

  /**
   * Tests that cohort local ends with an error, and stops its nodes, when its coordinator dies: a
   * cluster without its coordinator is not a clean stop.
   */
  @Test
  void endsWithAnErrorWhenItsCoordinatorDies() throws Exception {
    Cli.Running local =
        Cli.start(
            Map.of("COHORT_HTTP_PORT", "0", "COHORT_CLUSTER_PORT", "0"),
            List.of(),
            null,
            "local",
            "--nodes",
            "1");
    ProcessHandle handle = local.handle();
    try {
      local.awaitStdoutLine("cohort local ready", Duration.ofSeconds(120));
      List<ProcessHandle> children = handle.descendants().toList();
      children.stream()
          .filter(p -> commandLine(p).contains(" coordinator "))
          .findFirst()
          .orElseThrow()
          .destroyForcibly();
      Cli.Run ended = local.await(Duration.ofSeconds(90));
      assertThat(ended.exitCode()).as(ended.stderr()).isEqualTo(CohortCommand.JOB_FAILED);
      assertThat(children)
          .allSatisfy(child -> assertThat(child.isAlive()).as(commandLine(child)).isFalse());
    } finally {
      Children.kill(handle);
    }
  }

  private static String commandLine(ProcessHandle process) {
    return process.info().commandLine().orElse("");
  }
}
