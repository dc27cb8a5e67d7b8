package cohort.coordinator.inprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.api.TaskInfo;
import cohort.client.CohortException;
import cohort.coordinator.CoordinatorApp;
import cohort.coordinator.CoordinatorSettings;
import cohort.coordinator.LocalCoordinator;
import cohort.node.NodeApp;
import cohort.node.TaskRegistry;
import cohort.protocol.CoordinatorProtocol;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process client against a real coordinator and a real node in one actor system without the
 * cluster, as {@code cohort submit} runs them: the answers and refusals of the HTTP API, with no
 * HTTP.
 */
class InProcessJobsTest {

  @TempDir static Path dataDir;

  private static ActorSystem<Void> system;
  private static InProcessJobs jobs;

  @BeforeAll
  static void start() throws Exception {
    Config config =
        CoordinatorApp.loadConfig(
            Map.of(
                "pekko.actor.provider",
                "local",
                "cohort.coordinator.data-dir",
                dataDir.toString(),
                "cohort.node.direct-calls",
                false));
    system = ActorSystem.create(Behaviors.empty(), CoordinatorProtocol.SYSTEM_NAME, config);
    LocalCoordinator local =
        CoordinatorApp.startCoordinator(system, CoordinatorSettings.fromConfig(config))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    TaskRegistry tasks =
        TaskRegistry.load(InProcessJobsTest.class.getClassLoader(), cohort.node.ExecAllowance.NONE);
    NodeApp.init(system, tasks, 2, Duration.ZERO).toCompletableFuture().get(30, TimeUnit.SECONDS);
    jobs = new InProcessJobs(local);
  }

  @AfterAll
  static void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static List<JsonNode> ints(int from, int to) {
    return IntStream.range(from, to).<JsonNode>mapToObj(IntNode::valueOf).toList();
  }

  /**
   * Tests that a job runs and its results read back in order, as values and as the HTTP API's JSON
   * lines, and that its status says it succeeded.
   */
  @Test
  void runsAJobAndReadsItsResults() {
    JobStatus accepted = jobs.submit(JobRequest.of("echo", ints(0, 500)));
    assertThat(accepted.total()).isEqualTo(500);
    try (Stream<Result> results = jobs.results(accepted.id())) {
      assertThat(results.map(r -> r.output().intValue()).toList())
          .isEqualTo(IntStream.range(0, 500).boxed().toList());
    }
    try (Stream<String> lines = jobs.resultLines(accepted.id())) {
      List<String> all = lines.toList();
      assertThat(all).hasSize(500);
      assertThat(all.get(7)).isEqualTo("{\"index\":7,\"input\":7,\"output\":7}");
    }
    JobStatus end = jobs.status(accepted.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(end.succeeded()).isEqualTo(500);
    assertThat(jobs.jobs()).extracting(JobStatus::id).contains(accepted.id());
  }

  /** Tests that a reader of a running job waits for its results, and a cancel ends them. */
  @Test
  void cancelEndsAJobWhoseResultsAreBeingRead() {
    JobStatus accepted =
        jobs.submit(
            JobRequest.of("sleep", List.of(IntNode.valueOf(0), IntNode.valueOf(60_000)))
                .withBatch(1));
    try (Stream<Result> results = jobs.results(accepted.id())) {
      Iterator<Result> each = results.iterator();
      // The first input takes no time: its result comes while the second input sleeps.
      assertThat(each.next().index()).isZero();
      assertThat(jobs.cancel(accepted.id()).state()).isEqualTo(JobStatus.State.CANCELLED);
      each.forEachRemaining(result -> {});
    }
    assertThat(jobs.status(accepted.id()).state()).isEqualTo(JobStatus.State.CANCELLED);
  }

  /** Tests that refusals carry the HTTP API's words and status, and no Java type names. */
  @Test
  void refusalsSayWhatIsWrong() {
    assertThatThrownBy(() -> jobs.submit(JobRequest.of("nosuch", ints(0, 1))))
        .isInstanceOfSatisfying(
            CohortException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
        .hasMessageContaining("nosuch");
    assertThatThrownBy(() -> jobs.submit(JobRequest.of("echo", ints(0, 1)).withBatch(0)))
        .isInstanceOfSatisfying(
            CohortException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
        .hasMessageStartingWith("'batch' is 0;");
    List<ThrowingCallable> unknown =
        List.of(
            () -> jobs.status("nope-1"), () -> jobs.cancel("nope-1"), () -> jobs.results("nope-1"));
    for (ThrowingCallable call : unknown) {
      assertThatThrownBy(call)
          .isInstanceOfSatisfying(
              CohortException.class, e -> assertThat(e.httpStatus()).isEqualTo(404))
          .hasMessageStartingWith("no job 'nope-1'");
    }
  }

  /** Tests that the cluster and its tasks read as {@code GET /cluster} and {@code GET /tasks}. */
  @Test
  void showsTheClusterAndItsTasks() {
    assertThat(jobs.cluster().nodes()).hasSize(1);
    assertThat(jobs.cluster().slots()).isEqualTo(2);
    assertThat(jobs.tasks()).extracting(TaskInfo::name).contains("echo", "sleep", "sum-range");
  }
}
