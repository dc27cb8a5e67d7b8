package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.cli.local.JvmProcess;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.node.IntNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults with real JVMs: nodes killed, paused and stopped mid-job, cancels, retries, timeouts and
 * poison inputs. Nodes that die are restarted, as {@code cohort local} does.
 */
class FaultsIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(2, true);

  private CohortClient client;
  private LocalCluster cluster;

  @BeforeEach
  void twoNodesUp() {
    client = CLUSTER.client();
    cluster = CLUSTER.cluster();
    Jobs.ensureNodes(cluster, client, 2);
  }

  /** Tests that a node killed with SIGKILL mid-job loses no input and duplicates none. */
  @Test
  void killedNodeLosesNothing() {
    JobStatus job = client.submit(JobRequest.of("where", Jobs.repeat(20, 300)));
    List<Result> results = new ArrayList<>();
    String victim = null;
    try (Stream<Result> stream = client.results(job.id())) {
      for (Iterator<Result> it = stream.iterator(); it.hasNext(); ) {
        Result result = it.next();
        results.add(result);
        if (results.size() == 40) {
          victim = result.output().textValue();
          Jobs.nodeAt(cluster, victim).kill();
        }
      }
    }
    Jobs.assertEveryIndexOnce(results, 300);
    assertThat(results).allSatisfy(r -> assertThat(r.error()).isNull());
    JobStatus end = client.status(job.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(end.retried()).isPositive();
    assertThat(victim).isNotNull();
  }

  /**
   * Tests that a node that stops answering has its work run elsewhere, and that when it answers
   * again its late results are recognised as duplicates: every input still has one result.
   */
  @Test
  void pausedNodeComesBackAndItsLateResultsAreDropped() {
    JobStatus job = client.submit(JobRequest.of("where", Jobs.repeat(30, 200)).withOrdered(false));
    List<Result> results = new ArrayList<>();
    try (Stream<Result> stream = client.results(job.id())) {
      for (Iterator<Result> it = stream.iterator(); it.hasNext(); ) {
        Result result = it.next();
        results.add(result);
        if (results.size() == 20) {
          String paused = result.output().textValue();
          long pid = Jobs.nodeAt(cluster, paused).pid();
          Signals.send(pid, "STOP");
          try {
            Jobs.awaitCluster(
                client,
                status ->
                    status.nodes().stream()
                        .anyMatch(
                            n -> n.address().equals(paused) && n.status().equals("UNREACHABLE")),
                Duration.ofSeconds(10),
                paused + " unreachable");
          } finally {
            Signals.send(pid, "CONT");
          }
        }
      }
    }
    Set<Long> indexes = new HashSet<>();
    results.forEach(
        r -> assertThat(indexes.add(r.index())).as("index %d once", r.index()).isTrue());
    assertThat(indexes).hasSize(200);
    JobStatus end = client.status(job.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(end.retried()).isPositive();
  }

  /** Tests that SIGTERM drains a node: its running input finishes, it exits 0, nothing is lost. */
  @Test
  void sigtermDrainsANode() throws Exception {
    JobStatus job = client.submit(JobRequest.of("where", Jobs.repeat(400, 30)));
    List<Result> results = new ArrayList<>();
    JvmProcess drained = null;
    try (Stream<Result> stream = client.results(job.id())) {
      for (Iterator<Result> it = stream.iterator(); it.hasNext(); ) {
        Result result = it.next();
        results.add(result);
        if (results.size() == 4) {
          drained = Jobs.nodeAt(cluster, result.output().textValue());
          drained.terminate();
        }
      }
    }
    Jobs.assertEveryIndexOnce(results, 30);
    assertThat(client.status(job.id()).state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(drained.waitFor(Duration.ofSeconds(60))).contains(0);
    String log = Files.readString(drained.log().orElseThrow());
    assertThat(log).contains("draining").contains("drained");
  }

  /**
   * Tests that a node stopped by SIGTERM says nothing of joining again: as it shuts down, its own
   * view of the cluster loses the coordinator, which is no reason to rejoin.
   */
  @Test
  void aStoppedNodeDoesNotSayItWillJoinAgain() throws Exception {
    JvmProcess node =
        cluster.nodes().stream().filter(JvmProcess::isAlive).findFirst().orElseThrow();
    node.terminate();
    assertThat(node.waitFor(Duration.ofSeconds(60))).contains(0);
    String log = Files.readString(node.log().orElseThrow());
    assertThat(log).contains("drained").doesNotContain("join again").doesNotContain("joining");
  }

  /** Tests that a cancel frees every slot within a second and keeps the completed results. */
  @Test
  void cancelFreesEverySlot() {
    JobStatus job = client.submit(JobRequest.of("sleep", Jobs.repeat(300, 200)).withBatch(1));
    int seen = 0;
    try (Stream<Result> stream = client.results(job.id())) {
      for (Iterator<Result> it = stream.iterator(); it.hasNext() && seen < 4; it.next()) {
        seen++;
      }
    }
    Jobs.awaitCluster(
        client,
        status -> status.busySlots() == status.slots(),
        Duration.ofSeconds(10),
        "all slots busy");
    long start = System.nanoTime();
    JobStatus cancelled = client.cancel(job.id());
    assertThat(cancelled.state()).isEqualTo(JobStatus.State.CANCELLED);
    Jobs.awaitCluster(
        client,
        status -> status.busySlots() == 0,
        Duration.ofSeconds(1),
        "every slot free within a second");
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("cancel freed every slot in " + millis + " ms");
    List<Result> kept = Jobs.results(client, job.id());
    assertThat(kept.size()).isGreaterThanOrEqualTo(4);
    assertThat(kept).allSatisfy(r -> assertThat(r.output().longValue()).isEqualTo(300));
  }

  /** Tests that the first Ctrl-C in an attached submit cancels the job; the CLI exits 130. */
  @Test
  void ctrlCCancelsAnAttachedSubmit() throws Exception {
    Cli.Running submit = Cli.startSleeps(cluster.url(), 100, 200);
    submit.awaitStdoutLines(2, Duration.ofSeconds(60));
    submit.signal("INT");
    Cli.Run run = submit.await(Duration.ofSeconds(60));
    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(130);
    assertThat(run.stderr()).contains("cancelling job").contains("CANCELLED");
    assertThat(client.status(run.jobId()).state()).isEqualTo(JobStatus.State.CANCELLED);
  }

  /**
   * Tests that Ctrl-C in a submit that streams its input file cancels the job and exits 130: the
   * upload that stops because of the cancel is not reported as an upload that broke.
   */
  @Test
  void ctrlCCancelsAStreamedSubmit(@TempDir Path dir) throws Exception {
    Path sleeps = dir.resolve("sleeps.txt");
    Files.writeString(sleeps, "200\n".repeat(10_000));
    Cli.Running submit =
        Cli.start(
            "submit",
            "sleep",
            "--batch",
            "1",
            "--input-file",
            sleeps.toString(),
            "--coordinator",
            cluster.url());
    String id = submit.awaitJobId(Duration.ofSeconds(60));
    submit.awaitStdoutLines(2, Duration.ofSeconds(60));
    submit.signal("INT");
    Cli.Run run = submit.await(Duration.ofSeconds(60));
    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(130);
    assertThat(run.stderr()).contains("cancelling job " + id).doesNotContain("upload");
    assertThat(client.status(id).state()).isEqualTo(JobStatus.State.CANCELLED);
  }

  /**
   * Tests that a second Ctrl-C quits at once while the first one's cancel is still waiting for the
   * coordinator (stopped with SIGSTOP for the moment, so the cancel cannot be answered).
   */
  @Test
  void secondCtrlCQuitsAtOnce() throws Exception {
    Cli.Running submit = Cli.startSleeps(cluster.url(), 100, 200);
    String id = submit.awaitJobId(Duration.ofSeconds(60));
    submit.awaitStdoutLines(2, Duration.ofSeconds(60));
    long coordinator = cluster.coordinator().pid();
    Signals.send(coordinator, "STOP");
    try {
      submit.signal("INT");
      submit.awaitStderr(
          "press Ctrl-C again", Duration.ofSeconds(3)); // the nodes down themselves after 5 s
      assertThat(submit.isAlive()).as("the CLI waits for the cancel to be answered").isTrue();
      submit.signal("INT");
      Cli.Run run = submit.await(Duration.ofSeconds(5));
      assertThat(run.exitCode()).as(run.stderr()).isEqualTo(130);
    } finally {
      Signals.send(coordinator, "CONT");
    }
    // The first Ctrl-C's cancel reached the coordinator once it ran again, or the job is cancelled
    // now.
    client.cancel(id);
    Jobs.awaitCluster(
        client, status -> status.busySlots() == 0, Duration.ofSeconds(10), "every slot free");
  }

  /** Tests that a throwing input runs again up to --retries, then reports the remote exception. */
  @Test
  void throwingTaskIsRetriedThenReported() {
    JobStatus job =
        client.submit(
            JobRequest.of(
                    "flaky",
                    List.of(
                        IntNode.valueOf(1),
                        IntNode.valueOf(2),
                        IntNode.valueOf(3),
                        IntNode.valueOf(5)))
                .withRetries(2));
    List<Result> results = Jobs.results(client, job.id());
    assertThat(results)
        .extracting(r -> r.output() == null ? null : r.output().intValue())
        .containsExactly(1, 2, 3, null);
    Result failed = results.get(3);
    assertThat(failed.error().type()).isEqualTo("java.lang.IllegalStateException");
    assertThat(failed.error().message()).isEqualTo("flaky: attempt 3 of 5");
    assertThat(failed.error().attempts()).isEqualTo(3);
    assertThat(failed.error().trace()).contains("cohort.cli.it.FlakyTask.run");
    assertThat(failed.error().node()).isNotBlank();
    JobStatus end = client.status(job.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.FAILED);
    assertThat(end.retried()).isEqualTo(1 + 2 + 2);
  }

  /**
   * Tests --task-timeout: an interruptible input is interrupted and retried up to max-attempts; a
   * task that ignores the interrupt is abandoned and the node keeps its capacity.
   */
  @Test
  void taskPastItsTimeout() {
    JobStatus timed =
        client.submit(
            JobRequest.of("sleep", List.of(IntNode.valueOf(50), IntNode.valueOf(60_000)))
                .withTaskTimeout("300ms")
                .withMaxAttempts(2));
    List<Result> results = Jobs.results(client, timed.id());
    assertThat(results.get(0).output().intValue()).isEqualTo(50);
    assertThat(results.get(1).error().type()).isEqualTo("cohort.TimedOut");
    assertThat(results.get(1).error().message())
        .startsWith("ran longer than the task timeout of 300 ms")
        .endsWith("gave up after 2 runs (max-attempts 2)");

    JobStatus stuck =
        client.submit(
            JobRequest.of("stubborn", List.of(IntNode.valueOf(20_000)))
                .withTaskTimeout("200ms")
                .withMaxAttempts(1));
    Result abandoned = Jobs.results(client, stuck.id()).get(0);
    assertThat(abandoned.error().type()).isEqualTo("cohort.TaskAbandoned");
    assertThat(abandoned.error().message()).contains("ignored the interrupt");

    // The node that gave up a thread still runs as many inputs at once as before.
    JobStatus after =
        client.submit(JobRequest.of("where", Jobs.repeat(300, 8)).withBatch(1).withOrdered(false));
    Set<String> nodes = new HashSet<>();
    Jobs.results(client, after.id()).forEach(r -> nodes.add(r.output().textValue()));
    assertThat(client.status(after.id()).state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(nodes).hasSize(2);
  }

  /**
   * Tests that inputs which take their JVM down (System.exit, out of memory) are quarantined after
   * max-attempts nodes, while the rest of the job completes and the cluster keeps running.
   */
  @Test
  void poisonInputsAreQuarantined() {
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      inputs.add("fine-" + i);
    }
    inputs.add(5, "exit");
    inputs.add(15, "oom");
    JobStatus job =
        client.submit(
            JobRequest.of("poison", Jobs.texts(inputs.toArray(String[]::new)))
                .withMaxAttempts(2)
                .withBatch(1));
    List<Result> results = Jobs.results(client, job.id());
    Jobs.assertEveryIndexOnce(results, 22);
    Result exit = results.get(5);
    assertThat(exit.error().type()).isEqualTo("cohort.Quarantined");
    assertThat(exit.error().message()).contains("max-attempts 2").contains("System.exit");
    Result oom = results.get(15);
    assertThat(oom.error().type()).isEqualTo("cohort.Quarantined");
    assertThat(results.stream().filter(r -> r.error() == null)).hasSize(20);
    JobStatus end = client.status(job.id());
    assertThat(end.failed()).isEqualTo(2);

    Jobs.ensureNodes(cluster, client, 2);
    JobStatus after = client.submit(JobRequest.range("echo", "0..100"));
    assertThat(Jobs.results(client, after.id())).hasSize(100);
  }
}
