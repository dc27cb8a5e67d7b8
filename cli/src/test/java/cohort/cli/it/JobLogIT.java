package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job log ({@code GET /jobs/{id}/log}, {@code cohort joblog}) and {@code --resume-from} on two
 * real node JVMs that allow commands: retried, failed, quarantined and cancelled inputs, exec's
 * exit codes, and a resumed job running exactly the inputs its earlier job did not finish.
 */
class JobLogIT {

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(2, true, List.of("--allow-exec"));

  private static final ObjectMapper JSON = new ObjectMapper();

  private CohortClient client;

  @BeforeEach
  void twoNodesUp() {
    client = CLUSTER.client();
    Jobs.ensureNodes(CLUSTER.cluster(), client, 2);
  }

  /** A job log's rows by Seq, each row's columns by header name. */
  private static Map<Long, Map<String, String>> rows(List<String> lines) {
    String[] header = lines.get(0).split("\t", -1);
    Map<Long, Map<String, String>> rows = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] values = line.split("\t", -1);
      assertThat(values).as(line).hasSize(header.length);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], values[i]);
      }
      assertThat(rows.put(Long.parseLong(values[0]), row))
          .as("Seq " + values[0] + " twice")
          .isNull();
    }
    return rows;
  }

  private Map<Long, Map<String, String>> jobLog(String id) {
    try (Stream<String> lines = client.jobLog(id)) {
      return rows(lines.toList());
    }
  }

  /**
   * GNU parallel's joblog header, from parallel itself when it is installed (the oracle), else as
   * its manual gives it.
   */
  private static String parallelHeader(Path dir) throws IOException, InterruptedException {
    Path log = dir.resolve("parallel.joblog");
    try {
      Process parallel =
          new ProcessBuilder("parallel", "--joblog", log.toString(), "echo", ":::", "a")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("parallel.out").toFile())
              .start();
      if (parallel.waitFor() == 0) {
        return Files.readAllLines(log, StandardCharsets.UTF_8).get(0);
      }
    } catch (IOException e) {
      // not installed
    }
    return "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand";
  }

  /**
   * Tests the job log of jobs with a retried input, one that fails for good, a quarantined one
   * whose JVM exits on each run, and exec's exit codes (with and without check), read through the
   * Java client and {@code cohort joblog}.
   */
  @Test
  void jobLogOfRetriesFailuresQuarantineAndExec(@TempDir Path dir) throws Exception {
    JobStatus flaky =
        client.submit(
            JobRequest.of(
                    "flaky", List.of(IntNode.valueOf(1), IntNode.valueOf(2), IntNode.valueOf(5)))
                .withRetries(2)
                .withBatch(1));
    Jobs.results(client, flaky.id());
    List<String> lines;
    try (Stream<String> text = client.jobLog(flaky.id())) {
      lines = text.toList();
    }
    assertThat(lines.get(0)).startsWith(parallelHeader(dir) + "\t");
    assertThat(lines.get(0)).endsWith("\tAttempts\tOutcome");
    Map<Long, Map<String, String>> rows = rows(lines);
    assertThat(rows).containsOnlyKeys(1L, 2L, 3L);
    assertThat(rows.get(1L)).containsEntry("Attempts", "1").containsEntry("Outcome", "ok");
    assertThat(rows.get(2L)).containsEntry("Attempts", "2").containsEntry("Exitval", "0");
    assertThat(rows.get(3L))
        .containsEntry("Attempts", "3")
        .containsEntry("Exitval", "1")
        .containsEntry("Outcome", "java.lang.IllegalStateException")
        .containsEntry("Command", "5");
    for (Map<String, String> row : rows.values()) {
      assertThat(row.get("Host")).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(row.get("Starttime")).matches("\\d{10}\\.\\d{3}");
      assertThat(row.get("JobRuntime")).matches(" *\\d+\\.\\d{3}").hasSizeGreaterThanOrEqualTo(10);
      assertThat(row.get("Signal")).isEqualTo("0");
    }

    JobStatus poison =
        client.submit(
            JobRequest.of("poison", Jobs.texts("fine-0", "exit", "fine-1"))
                .withMaxAttempts(2)
                .withBatch(1));
    Jobs.results(client, poison.id());
    Map<Long, Map<String, String>> poisoned = jobLog(poison.id());
    assertThat(poisoned.get(2L))
        .containsEntry("Outcome", "quarantined")
        .containsEntry("Attempts", "2")
        .containsEntry("Command", "exit");
    assertThat(poisoned.get(1L)).containsEntry("Outcome", "ok");
    assertThat(poisoned.get(3L)).containsEntry("Outcome", "ok");
    Jobs.ensureNodes(CLUSTER.cluster(), client, 2);

    Map<String, JsonNode> checked = new LinkedHashMap<>();
    checked.put("command", JSON.valueToTree(List.of("sh", "-c", "echo out; exit $0", "{}")));
    checked.put("check", BooleanNode.TRUE);
    JobStatus exec = client.submit(JobRequest.of("exec", Jobs.texts("0", "3")).withParams(checked));
    Jobs.results(client, exec.id());
    Cli.Run printed = Cli.run("joblog", exec.id(), "--coordinator", CLUSTER.cluster().url());
    assertThat(printed.exitCode()).as(printed.stderr()).isZero();
    Map<Long, Map<String, String>> execRows = rows(printed.stdout());
    assertThat(execRows.get(1L))
        .containsEntry("Exitval", "0")
        .containsEntry("Receive", "4")
        .containsEntry("Outcome", "ok");
    assertThat(execRows.get(2L)).containsEntry("Exitval", "3").containsEntry("Command", "3");
    assertThat(execRows.get(2L).get("Outcome")).endsWith("CommandFailedException");

    JobStatus unchecked =
        client.submit(
            JobRequest.of("exec", Jobs.texts("4"))
                .withParams(Map.of("command", checked.get("command"))));
    Jobs.results(client, unchecked.id());
    assertThat(jobLog(unchecked.id()).get(1L))
        .containsEntry("Exitval", "4")
        .containsEntry("Outcome", "ok");
  }

  /**
   * Tests --resume-from on a job that failed some inputs: with the problem fixed (more retries),
   * the resumed job runs exactly the failed ones, at their own indices; a different task, or a job
   * the coordinator does not know, is refused in plain words.
   */
  @Test
  void resumeRunsExactlyTheFailedInputs() {
    String url = CLUSTER.cluster().url();
    Cli.Run first = Cli.run("submit", "flaky", "1", "1", "3", "1", "3", "1", "--coordinator", url);
    assertThat(first.exitCode()).as(first.stderr()).isEqualTo(1);
    String old = first.jobId();

    Cli.Run resumed =
        Cli.run(
            "submit",
            "flaky",
            "1",
            "1",
            "3",
            "1",
            "3",
            "1",
            "--retries",
            "2",
            "--resume-from",
            old,
            "--coordinator",
            url);
    assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
    List<Result> again = Jobs.results(client, resumed.jobId());
    assertThat(again).extracting(Result::index).containsExactlyInAnyOrder(2L, 4L);
    assertThat(again).allSatisfy(r -> assertThat(r.error()).isNull());
    Set<Long> union = new TreeSet<>();
    Jobs.results(client, old).stream()
        .filter(r -> r.error() == null)
        .forEach(r -> assertThat(union.add(r.index())).isTrue());
    again.forEach(
        r -> assertThat(union.add(r.index())).as("index " + r.index() + " twice").isTrue());
    assertThat(union).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(jobLog(resumed.jobId())).containsOnlyKeys(3L, 5L);

    Cli.Run otherTask =
        Cli.run(
            "submit",
            "echo",
            "1",
            "1",
            "3",
            "1",
            "3",
            "1",
            "--resume-from",
            old,
            "--coordinator",
            url);
    assertThat(otherTask.exitCode()).isNotZero();
    assertThat(otherTask.stderr()).contains("ran task 'flaky'").contains("give the same task");

    Cli.Run unknown =
        Cli.run("submit", "flaky", "1", "--resume-from", "no-such-job", "--coordinator", url);
    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.stderr()).contains("job no-such-job is not known to this coordinator");
  }

  /**
   * Tests a cancelled job: its job log has a row for every input (those without a result
   * cancelled), and the job resumed from it through the Java client runs exactly the inputs without
   * a result; the union of both jobs' results is complete with no duplicates.
   */
  @Test
  void resumeACancelledJob() {
    JobRequest request = JobRequest.of("sleep", Jobs.repeat(100, 40)).withBatch(1);
    JobStatus job = client.submit(request);
    try (Stream<Result> stream = client.results(job.id())) {
      Iterator<Result> it = stream.iterator();
      for (int i = 0; i < 4; i++) {
        it.next();
      }
      client.cancel(job.id());
    }
    List<Result> before = Jobs.results(client, job.id());
    Set<Long> done =
        before.stream()
            .filter(r -> r.error() == null)
            .map(Result::index)
            .collect(Collectors.toSet());
    assertThat(done).hasSizeBetween(4, 39);
    Map<Long, Map<String, String>> cancelledLog = jobLog(job.id());
    assertThat(cancelledLog).hasSize(40);
    assertThat(cancelledLog.values().stream().filter(r -> r.get("Outcome").equals("cancelled")))
        .hasSize(40 - before.size());

    JobStatus resumed = client.submit(request.withResumeFrom(job.id()));
    List<Result> after = Jobs.results(client, resumed.id());
    Set<Long> missing = new HashSet<>();
    for (long i = 0; i < 40; i++) {
      if (!done.contains(i)) {
        missing.add(i);
      }
    }
    List<Long> ran = new ArrayList<>();
    after.forEach(r -> ran.add(r.index()));
    assertThat(ran).containsExactlyInAnyOrderElementsOf(missing);
    assertThat(after).allSatisfy(r -> assertThat(r.error()).isNull());
    JobStatus end = client.status(resumed.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(jobLog(resumed.id()).keySet())
        .containsExactlyInAnyOrderElementsOf(missing.stream().map(i -> i + 1).toList());
  }

  /**
   * Tests that the job log survives what the results survive: a finished job's log reads the same
   * after a clean restart, and a job running when the coordinator is killed ends with exactly one
   * row per input after the restart, the rows of results the killed one had not kept written again.
   */
  @Test
  void jobLogSurvivesCoordinatorRestarts() throws Exception {
    LocalCluster cluster = CLUSTER.cluster();
    JobStatus finished = client.submit(JobRequest.of("echo", Jobs.texts("a", "b", "c")));
    Jobs.results(client, finished.id());
    Map<Long, Map<String, String>> before = jobLog(finished.id());
    assertThat(before).hasSize(3);

    cluster.coordinator().terminate();
    assertThat(cluster.coordinator().waitFor(Duration.ofSeconds(60))).contains(0);
    cluster.restartCoordinator();
    CohortClient second = cluster.client();
    Jobs.ensureNodes(cluster, second, 2);
    try (Stream<String> lines = second.jobLog(finished.id())) {
      assertThat(rows(lines.toList())).isEqualTo(before);
    }

    JobStatus running =
        second.submit(JobRequest.of("sleep", Jobs.repeat(50, 60)).withBatch(1).withOrdered(false));
    try (Stream<Result> stream = second.results(running.id())) {
      Iterator<Result> it = stream.iterator();
      for (int i = 0; i < 10; i++) {
        it.next();
      }
      cluster.coordinator().kill();
      cluster.coordinator().waitFor(Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      // the stream breaks with the coordinator: expected
    }
    cluster.restartCoordinator();
    CohortClient third = cluster.client();
    Jobs.ensureNodes(cluster, third, 2);
    assertThat(Jobs.results(third, running.id())).hasSize(60);
    Map<Long, Map<String, String>> after;
    try (Stream<String> lines = third.jobLog(running.id())) {
      after = rows(lines.toList());
    }
    assertThat(after).hasSize(60);
    assertThat(after.values()).allSatisfy(row -> assertThat(row.get("Outcome")).isEqualTo("ok"));
  }

  /**
   * Tests that a resumed job killed with its coordinator goes on after the restart without running
   * the inputs it skipped: the union of both jobs' results is every input once.
   */
  @Test
  void resumedJobSurvivesACoordinatorKill() throws Exception {
    LocalCluster cluster = CLUSTER.cluster();
    JobRequest request =
        JobRequest.of("sleep", Jobs.repeat(100, 40)).withBatch(1).withOrdered(false);
    JobStatus job = client.submit(request);
    try (Stream<Result> stream = client.results(job.id())) {
      Iterator<Result> it = stream.iterator();
      for (int i = 0; i < 4; i++) {
        it.next();
      }
      client.cancel(job.id());
    }
    Set<Long> done = new HashSet<>();
    Jobs.results(client, job.id()).forEach(r -> assertThat(done.add(r.index())).isTrue());

    JobStatus resumed = client.submit(request.withResumeFrom(job.id()));
    try (Stream<Result> stream = client.results(resumed.id())) {
      Iterator<Result> it = stream.iterator();
      for (int i = 0; i < 3; i++) {
        it.next();
      }
      cluster.coordinator().kill();
      cluster.coordinator().waitFor(Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      // the stream breaks with the coordinator: expected
    }
    cluster.restartCoordinator();
    CohortClient after = cluster.client();
    Jobs.ensureNodes(cluster, after, 2);
    List<Result> again = Jobs.results(after, resumed.id());
    Set<Long> all = new TreeSet<>(done);
    again.forEach(r -> assertThat(all.add(r.index())).as("index " + r.index() + " twice").isTrue());
    assertThat(all).hasSize(40);
    JobStatus end = after.status(resumed.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(end.succeeded()).isEqualTo(40);
    try (Stream<String> lines = after.jobLog(resumed.id())) {
      assertThat(rows(lines.toList())).hasSize(40 - done.size());
    }
  }
}
