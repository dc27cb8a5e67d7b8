package cohort.coordinator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.TaskInfo;
import cohort.coordinator.job.Batching;
import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.jobs.Job;
import cohort.coordinator.jobs.JobRegistry;
import cohort.coordinator.scheduling.Admission;
import cohort.coordinator.scheduling.JobPolicy;
import cohort.coordinator.scheduling.Rate;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.TaskSpec;
import cohort.protocol.WorkerProtocol;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rounds of dispatch over real job states and a node table, with probes for the node and the
 * coordinator: priorities, fair share, named limits, rates, the cap on running jobs, and queued
 * batches given back for a higher priority.
 */
class DispatcherSchedulingTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<TaskInfo> ECHO =
      List.of(new TaskInfo("echo", "", "any", List.of(), null, null));

  private static ActorTestKit testKit;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local"));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private final TestProbe<WorkerProtocol.Command> worker = testKit.createTestProbe();
  private final TestProbe<CoordinatorProtocol.Command> coordinator = testKit.createTestProbe();

  private Dispatcher dispatcher(int maxRunningJobs) {
    return new Dispatcher(
        new Batching(Duration.ofMillis(100), 1),
        Rebalancer.off(),
        coordinator.ref(),
        new Admission(maxRunningJobs));
  }

  /** One node with {@code slots} slots and one queued batch per slot. */
  private NodeTable node(int slots) {
    return NodeTable.empty().registered(worker.ref(), "n:1", slots, 1, ECHO);
  }

  private Job job(JobRegistry jobs, JobPolicy policy, int inputs) {
    JobSpec spec = JobSpec.of(new TaskSpec("echo", Map.of())).withPolicy(policy);
    Job job = jobs.prepare(spec, InputSource.range(0, inputs), 100_000, T0);
    jobs.register(job);
    return job;
  }

  private static long held(NodeTable nodes, Job job) {
    return nodes.nodes().get(0).outstanding().count(key -> key.job().equals(job.id()));
  }

  private static JobPolicy limited(String name, int slots) {
    TreeMap<String, Integer> limits = new TreeMap<>(Map.of(name, slots));
    return new JobPolicy(0, 0, limits, null, null);
  }

  /** Tests that the higher priority gets every slot and queue place it can use. */
  @Test
  void higherPriorityFirst() {
    JobRegistry jobs = new JobRegistry(dir, 10);
    Job low = job(jobs, JobPolicy.NONE, 100);
    Job high = job(jobs, JobPolicy.NONE.withPriority(5), 100);
    NodeTable nodes = dispatcher(0).round(node(2), jobs, new Outbox(), T0);
    assertThat(held(nodes, high)).isEqualTo(4); // two slots, one queued behind each
    assertThat(held(nodes, low)).isZero();
  }

  /** Tests that equal priorities share the node's slots and queue evenly. */
  @Test
  void equalPrioritiesShare() {
    JobRegistry jobs = new JobRegistry(dir, 10);
    Job a = job(jobs, JobPolicy.NONE, 100);
    Job b = job(jobs, JobPolicy.NONE, 100);
    NodeTable nodes = dispatcher(0).round(node(3), jobs, new Outbox(), T0);
    assertThat(held(nodes, a)).isEqualTo(3);
    assertThat(held(nodes, b)).isEqualTo(3);
  }

  /** Tests that two jobs naming a limit of 2 hold two slots together, never queued. */
  @Test
  void namedLimitAcrossJobs() {
    JobRegistry jobs = new JobRegistry(dir, 10);
    Job a = job(jobs, limited("db", 2), 100);
    Job b = job(jobs, limited("db", 2), 100);
    Job free = job(jobs, JobPolicy.NONE, 1);
    Dispatcher dispatcher = dispatcher(0);
    NodeTable nodes = dispatcher.round(node(4), jobs, new Outbox(), T0);
    assertThat(held(nodes, a) + held(nodes, b)).isEqualTo(2);
    assertThat(held(nodes, a)).isEqualTo(1); // shared fairly
    assertThat(held(nodes, free)).isEqualTo(1);
    // Another round changes nothing: the limit is full, and capped jobs never queue.
    nodes = dispatcher.round(nodes, jobs, new Outbox(), T0.plusSeconds(1));
    assertThat(held(nodes, a) + held(nodes, b)).isEqualTo(2);
  }

  /** Tests that a job's rate bounds the inputs sent, and the round says when to come back. */
  @Test
  void rateHoldsAndWakes() {
    JobRegistry jobs = new JobRegistry(dir, 10);
    Job rated = job(jobs, new JobPolicy(0, 0, null, Rate.parse("10/s", "r"), null), 100);
    Dispatcher dispatcher = dispatcher(0);
    NodeTable nodes = dispatcher.round(node(4), jobs, new Outbox(), T0);
    assertThat(held(nodes, rated)).isEqualTo(1); // a burst of 1 at 10/s
    assertThat(dispatcher.wakeAt()).contains(T0.plusMillis(100));
  }

  /**
   * Tests the cap on running jobs: the second job waits, says why, and runs once the first ends.
   */
  @Test
  void capOnRunningJobs() {
    JobRegistry jobs = new JobRegistry(dir, 10);
    Job first = job(jobs, JobPolicy.NONE, 100);
    Dispatcher dispatcher = dispatcher(1);
    NodeTable nodes = dispatcher.round(node(2), jobs, new Outbox(), T0);
    // A job let in runs to its end, even when a higher priority comes after it.
    Job second = job(jobs, JobPolicy.NONE.withPriority(9), 100);
    nodes = dispatcher.round(nodes, jobs, new Outbox(), T0);
    assertThat(held(nodes, first)).isEqualTo(4);
    assertThat(held(nodes, second)).isZero();
    assertThat(second.state().waiting())
        .contains(
            "in line for one of the 1 running-job places (cohort.coordinator.max-running-jobs): 1"
                + " of 1");
    first.apply(new cohort.coordinator.job.JobEvent.Cancelled("test"), T0);
    jobs.ended(first, T0);
    nodes = NodeTable.empty().registered(worker.ref(), "n:1", 2, 1, ECHO);
    nodes = dispatcher.round(nodes, jobs, new Outbox(), T0);
    assertThat(held(nodes, second)).isEqualTo(4);
    assertThat(second.state().waiting()).isNull();
  }

  /** Tests that queued batches of a lower priority are asked back when a higher one waits. */
  @Test
  void queuedLowerPriorityIsAskedBack() {
    JobRegistry jobs = new JobRegistry(dir, 10);
    Job low = job(jobs, JobPolicy.NONE, 100);
    Dispatcher dispatcher =
        new Dispatcher(
            new Batching(Duration.ofMillis(100), 1),
            new Rebalancer(Duration.ZERO),
            coordinator.ref(),
            new Admission(0));
    NodeTable nodes = dispatcher.round(node(1), jobs, new Outbox(), T0);
    BatchKey running = new BatchKey(low.id(), 0);
    nodes = nodes.started(nodes.nodes().get(0).id(), running);
    assertThat(held(nodes, low)).isEqualTo(2);
    job(jobs, JobPolicy.NONE.withPriority(1), 10);
    dispatcher.round(nodes, jobs, new Outbox(), T0);
    WorkerProtocol.ReturnQueued asked =
        worker.expectMessageClass(WorkerProtocol.ReturnQueued.class);
    assertThat(asked.batches()).containsExactly(new BatchKey(low.id(), 1));
    // Asked once: the next round waits for the answer.
    dispatcher.round(nodes, jobs, new Outbox(), T0);
    worker.expectNoMessage(Duration.ofMillis(50));
  }

  /**
   * Tests that a batch of a cancelled job that its node still runs (a task that ignores the
   * interrupt) holds its limit's slot until the node reports it.
   */
  @Test
  void endedJobsBatchHoldsItsLimitUntilReported() {
    JobRegistry jobs = new JobRegistry(dir, 10);
    Job holder = job(jobs, limited("lock", 1), 10);
    Dispatcher dispatcher = dispatcher(0);
    NodeTable nodes = dispatcher.round(node(2), jobs, new Outbox(), T0);
    assertThat(held(nodes, holder)).isEqualTo(1);
    holder.apply(new cohort.coordinator.job.JobEvent.Cancelled("test"), T0);
    jobs.ended(holder, T0);
    Job waiter = job(jobs, limited("lock", 1), 10);
    nodes = dispatcher.round(nodes, jobs, new Outbox(), T0);
    assertThat(held(nodes, waiter)).as("the cancelled input still runs").isZero();
    nodes = nodes.returned(nodes.nodes().get(0).id(), new BatchKey(holder.id(), 0));
    nodes = dispatcher.round(nodes, jobs, new Outbox(), T0);
    assertThat(held(nodes, waiter)).isEqualTo(1);
  }
}
