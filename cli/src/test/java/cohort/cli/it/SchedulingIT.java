package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How jobs share a real cluster of three one-slot nodes: priorities, the cap on running jobs (2
 * here), named limits across jobs and a killed node, a job's own cap and rate. The {@code slots}
 * test task says when each input ran and how many runs sharing its folder it saw at once, counted
 * from inside the tasks on every node.
 */
class SchedulingIT {

  private static final int NODES = 3;

  @RegisterExtension
  static final ClusterExtension CLUSTER =
      new ClusterExtension(
          NODES, true, List.of(), List.of("-Dcohort.coordinator.max-running-jobs=2"));

  private CohortClient client;
  private LocalCluster cluster;

  @BeforeEach
  void nodesUp() {
    client = CLUSTER.client();
    cluster = CLUSTER.cluster();
    Jobs.ensureNodes(cluster, client, NODES);
  }

  /**
   * Cancels what a test left running, so a failed test's jobs do not hold the running-job places or
   * the slots the next test needs.
   */
  @AfterEach
  void cancelLeftovers() {
    for (JobStatus job : client.jobs()) {
      if (!job.state().terminal()) {
        client.cancel(job.id());
      }
    }
  }

  private static JobRequest slots(int count, long millis, Path dir) {
    JobRequest request = JobRequest.of("slots", Jobs.repeat(millis, count)).withOrdered(false);
    return dir == null
        ? request
        : request.withParams(Map.of("dir", TextNode.valueOf(dir.toString())));
  }

  private static long field(Result result, String name) {
    return result.output().get(name).asLong();
  }

  /**
   * Tests that a job of higher priority submitted while a large one runs takes the slots as they
   * free: hardly any of the running job's inputs start until the urgent one has started all of its
   * own. Shared fairly, the running job would start about half the inputs meanwhile.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void higherPriorityOvertakesARunningJob() {
    JobStatus low = client.submit(slots(90, 100, null));
    List<Result> lowResults = new ArrayList<>();
    JobStatus high;
    try (Stream<Result> stream = client.results(low.id())) {
      Iterator<Result> it = stream.iterator();
      while (lowResults.size() < 6) {
        lowResults.add(it.next());
      }
      high = client.submit(slots(30, 100, null).withPriority(10));
      assertThat(high.priority()).isEqualTo(10);
      List<Result> highResults = Jobs.results(client, high.id());
      it.forEachRemaining(lowResults::add);
      long firstHigh = highResults.stream().mapToLong(r -> field(r, "start")).min().orElseThrow();
      long lastHigh = highResults.stream().mapToLong(r -> field(r, "start")).max().orElseThrow();
      long lowMeanwhile =
          lowResults.stream()
              .mapToLong(r -> field(r, "start"))
              .filter(start -> start > firstHigh && start < lastHigh)
              .count();
      // What the nodes had queued or were starting when the urgent job came may still start.
      assertThat(lowMeanwhile).isLessThanOrEqualTo(NODES);
      assertThat(lowResults).hasSize(90);
    }
    assertThat(client.status(high.id()).state()).isEqualTo(JobStatus.State.SUCCEEDED);
  }

  /**
   * Tests that a named limit of 2 holds across two jobs on three nodes, also when a node running
   * one of them is killed: no input sees more than two runs at once, the limit is used, and every
   * input has exactly one result.
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void namedLimitHoldsAcrossJobsAndANodeKilled(@TempDir Path dir) {
    JobStatus a = client.submit(slots(24, 150, dir).withLimits(Map.of("db", 2)));
    JobStatus b = client.submit(slots(24, 150, dir).withLimits(Map.of("db", 2)));
    List<Result> first = new ArrayList<>();
    try (Stream<Result> stream = client.results(a.id())) {
      for (Iterator<Result> it = stream.iterator(); it.hasNext(); ) {
        first.add(it.next());
        if (first.size() == 4) {
          Jobs.nodeAt(cluster, first.get(3).output().get("node").asText()).kill();
        }
      }
    }
    List<Result> second = new ArrayList<>(Jobs.results(client, b.id()));
    // Unordered jobs deliver as inputs finish; the killed node's input comes back late.
    first.sort(Comparator.comparingLong(Result::index));
    second.sort(Comparator.comparingLong(Result::index));
    Jobs.assertEveryIndexOnce(first, 24);
    Jobs.assertEveryIndexOnce(second, 24);
    List<Result> all = new ArrayList<>(first);
    all.addAll(second);
    assertThat(all).allSatisfy(r -> assertThat(r.error()).isNull());
    int most = all.stream().mapToInt(r -> (int) field(r, "seen")).max().orElseThrow();
    assertThat(most).as("runs seen at once under the limit db=2").isEqualTo(2);
    assertThat(client.status(a.id()).retried())
        .as("the killed node's input ran again")
        .isPositive();
  }

  /**
   * Tests that a cancelled job gives back its slots of a named limit at once: a job waiting for a
   * lock held by a 60-second input runs as soon as the holder is cancelled.
   */
  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void cancelledJobReleasesTheLock() {
    JobStatus holder = client.submit(slots(1, 60_000, null).withLimits(Map.of("lock", 1)));
    Jobs.awaitState(client, holder.id(), s -> s.running() == 1);
    JobStatus waiter = client.submit(slots(3, 10, null).withLimits(Map.of("lock", 1)));
    assertThat(client.status(waiter.id()).done()).isZero();
    client.cancel(holder.id());
    assertThat(Jobs.results(client, waiter.id())).hasSize(3);
    assertThat(client.status(waiter.id()).state()).isEqualTo(JobStatus.State.SUCCEEDED);
  }

  /**
   * Tests a job's own cap and rate: with --max-running 1 no two of its inputs run at once on three
   * nodes, and at 20/s its inputs start no faster than the rate (a tenth of a second's burst).
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void maxRunningAndRateHold(@TempDir Path dir) {
    List<Result> capped =
        Jobs.results(client, client.submit(slots(12, 50, dir).withMaxRunning(1)).id());
    assertThat(capped).hasSize(12);
    assertThat(capped).allSatisfy(r -> assertThat(field(r, "seen")).isEqualTo(1));

    List<Result> rated =
        Jobs.results(client, client.submit(slots(40, 0, null).withRate("20/s")).id());
    List<Long> starts =
        rated.stream().map(r -> field(r, "start")).sorted(Comparator.naturalOrder()).toList();
    // 40 starts at 20/s with a burst of 2 take at least (40 - 2) / 20 s.
    assertThat(starts.get(39) - starts.get(0)).isGreaterThanOrEqualTo(1_800);
    for (int i = 0; i + 26 < starts.size(); i++) {
      assertThat(starts.get(i + 26) - starts.get(i))
          .as("27 starts within a second at 20/s")
          .isGreaterThan(1_000);
    }
  }

  /**
   * Tests the cap on running jobs (2 here): jobs beyond it wait in PENDING, say their place, and
   * are let in highest priority first. Two 60-second jobs hold both places until cancelled, so no
   * job ends by itself while the places are checked.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void jobsBeyondTheCapWaitInPriorityOrder() {
    JobStatus one = client.submit(slots(1, 60_000, null));
    JobStatus two = client.submit(slots(1, 60_000, null));
    JobStatus later = client.submit(slots(2, 10, null));
    JobStatus urgent = client.submit(slots(2, 10, null).withPriority(5));
    JobStatus laterNow = client.status(later.id());
    JobStatus urgentNow = client.status(urgent.id());
    assertThat(laterNow.state()).isEqualTo(JobStatus.State.PENDING);
    assertThat(laterNow.waiting()).contains("2 of 2").contains("max-running-jobs");
    assertThat(urgentNow.state()).isEqualTo(JobStatus.State.PENDING);
    assertThat(urgentNow.waiting()).contains("1 of 2");
    // One place frees: the urgent job takes it; the later one waits until a second frees.
    client.cancel(one.id());
    List<Result> urgentResults = Jobs.results(client, urgent.id());
    client.cancel(two.id());
    List<Result> laterResults = Jobs.results(client, later.id());
    assertThat(urgentResults).hasSize(2);
    assertThat(laterResults).hasSize(2);
    long urgentStart = urgentResults.stream().mapToLong(r -> field(r, "start")).min().orElseThrow();
    long laterStart = laterResults.stream().mapToLong(r -> field(r, "start")).min().orElseThrow();
    assertThat(urgentStart).isLessThan(laterStart);
    assertThat(client.status(later.id()).waiting()).isNull();
  }

  /**
   * Tests that a job waiting in line runs as soon as a job holding a place is cancelled, even one
   * that sent nothing: two jobs wait for nodes with a label none has, holding both places.
   */
  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void cancellingAJobThatSentNothingLetsTheNextIn() {
    JobRequest nowhere = slots(1, 10, null).withRequire(List.of("nosuch")).withWaitForNodes(true);
    JobStatus first = client.submit(nowhere);
    JobStatus second = client.submit(nowhere);
    JobStatus next = client.submit(slots(2, 10, null));
    assertThat(client.status(next.id()).waiting()).contains("1 of 1");
    client.cancel(first.id());
    assertThat(Jobs.results(client, next.id())).hasSize(2);
    client.cancel(second.id());
  }
}
