package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator is killed (SIGKILL) while jobs run, and started again on its data folder: the
 * jobs go on under the same ids, attached submits reconnect and print every result once, and ended
 * jobs stay readable.
 */
class CoordinatorCrashIT {

  /**
   * The nodes give a lost coordinator up only after two minutes: they can join the restarted one
   * sooner only by asking who serves at its address, which the test checks, however slowly a loaded
   * machine restarts it.
   */
  @RegisterExtension
  static final ClusterExtension CLUSTER =
      new ClusterExtension(2, false, List.of(), List.of("-Dcohort.down-unreachable-after=120s"));

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Tests that after kill -9 and a restart on the same data folder, an unordered {@code --combine
   * sum} job of 2,000 sleeps and an ordered one of 1,000, each followed by an attached submit,
   * complete, and so does a job whose 1,500 inputs come on stdin: each submit exits 0 having
   * printed every index exactly once (the ordered one in order), the sums are exact, and a job that
   * finished and one that was cancelled before the crash are there as they were, results and all.
   */
  @Test
  void jobsGoOnAfterTheCoordinatorIsKilled(@TempDir Path dir) throws Exception {
    LocalCluster cluster = CLUSTER.cluster();
    String url = cluster.url();
    CohortClient client = CohortClient.connect(URI.create(url));
    JobStatus finished = client.submit(JobRequest.range("echo", "0..100"));
    assertThat(Jobs.results(client, finished.id())).hasSize(100);
    JobStatus cancelled = client.submit(JobRequest.of("sleep", Jobs.repeat(1000, 10)));
    client.cancel(cancelled.id());

    Cli.Running summed = Cli.start(sleeps(url, 2000, 10, "--unordered", "--combine", "sum"));
    Cli.Running ordered = Cli.start(sleeps(url, 1000, 10, "--ordered"));
    Path lines = dir.resolve("stdin.txt");
    Files.write(lines, java.util.Collections.nCopies(1500, "10"));
    Cli.Running streamed = Cli.streamedSleeps(url, lines);
    summed.awaitStdoutLines(200, Duration.ofSeconds(90));
    ordered.awaitStdoutLines(100, Duration.ofSeconds(90));
    streamed.awaitStdoutLines(100, Duration.ofSeconds(90));
    cluster.coordinator().kill();
    assertThat(cluster.coordinator().waitFor(Duration.ofSeconds(30))).isPresent();
    assertThat(cluster.restartCoordinator()).isEqualTo(url);

    Cli.Run sum = summed.await(Duration.ofSeconds(180));
    assertThat(sum.exitCode()).as(sum.stderr()).isZero();
    assertThat(sum.stderr()).contains("the coordinator is back; results go on from result");
    List<Long> indexes = indexes(sum.stdout());
    assertThat(indexes).hasSize(2000);
    assertThat(new HashSet<>(indexes)).hasSize(2000);
    assertThat(sum.lastLine()).isEqualTo("20000");

    Cli.Run inOrder = ordered.await(Duration.ofSeconds(180));
    assertThat(inOrder.exitCode()).as(inOrder.stderr()).isZero();
    List<Long> expected = new ArrayList<>();
    for (long i = 0; i < 1000; i++) {
      expected.add(i);
    }
    assertThat(indexes(inOrder.stdout())).isEqualTo(expected);

    // A job whose inputs came on stdin: the upload went on from what the coordinator had.
    Cli.Run piped = streamed.await(Duration.ofSeconds(180));
    assertThat(piped.exitCode()).as(piped.stderr()).isZero();
    List<Long> pipedIndexes = indexes(piped.stdout());
    assertThat(pipedIndexes).hasSize(1500);
    assertThat(new HashSet<>(pipedIndexes)).hasSize(1500);
    assertThat(piped.lastLine()).isEqualTo("15000");

    // The nodes joined the new coordinator as soon as it answered at its address, rather than
    // wait to give the old one up.
    for (String node : List.of("node-1.log", "node-2.log")) {
      assertThat(Files.readString(CLUSTER.logs().resolve(node)))
          .as(node)
          .contains("a new coordinator serves at " + url);
    }

    // The same ids, and the ended jobs as they were.
    assertThat(client.status(sum.jobId()).state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(client.status(finished.id()).state()).isEqualTo(JobStatus.State.SUCCEEDED);
    List<Result> echoed = Jobs.results(client, finished.id());
    Jobs.assertEveryIndexOnce(echoed, 100);
    assertThat(client.status(cancelled.id()).state()).isEqualTo(JobStatus.State.CANCELLED);
    assertThat(client.status(cancelled.id()).message()).isEqualTo("cancelled on request");
  }

  private static String[] sleeps(String url, int count, long millis, String... options) {
    List<String> args = new ArrayList<>(List.of("submit", "sleep", "--coordinator", url));
    args.addAll(List.of(options));
    for (int i = 0; i < count; i++) {
      args.add(Long.toString(millis));
    }
    return args.toArray(String[]::new);
  }

  /** The indexes of the result lines, in the order printed. */
  static List<Long> indexes(List<String> stdout) throws Exception {
    List<Long> indexes = new ArrayList<>();
    for (String line : stdout) {
      if (line.startsWith("{")) {
        JsonNode result = JSON.readTree(line);
        indexes.add(result.get("index").asLong());
      }
    }
    return indexes;
  }
}
