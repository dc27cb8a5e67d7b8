package cohort.netlab;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ClusterStatus;
import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.cli.local.JvmProcess;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Cohort across a network: a coordinator on one host of a {@link Lab} and a node on each of three
 * others, every member bound to its host's own address, with mutual TLS between members, HTTPS and
 * a token for the API. The tests cut links, freeze processes and skew clocks, and check that every
 * job still returns each result exactly once.
 */
class NetworkIT {

  static Lab lab;
  static LabCluster cluster;
  static CohortClient client;
  static Path dir;

  @RegisterExtension
  static final TestWatcher LOGS =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (cluster != null) {
            LabTests.printLogs(cluster.logs());
          }
        }
      };

  @BeforeAll
  static void start() {
    LabTests.assumeLab();
    dir = LabTests.dir(NetworkIT.class);
    lab = Lab.create(5);
    try {
      cluster =
          LabCluster.start(
              new LabCluster.Options(LabTests.classPath(), dir, 2),
              lab.host(1),
              List.of(lab.host(2), lab.host(3), lab.host(4)));
    } catch (RuntimeException e) {
      LabTests.printLogs(dir.resolve("logs"));
      lab.close();
      throw e;
    }
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @BeforeEach
  void threeNodesUp() {
    LabTests.awaitNodesUp(client, 3);
  }

  /** Tests that a job spread over three node hosts returns every result exactly once. */
  @Test
  void aJobOverThreeHostsReturnsEveryResultOnce() {
    // Only the lab's own addresses: each host routes its own /24 and nothing else, and every
    // member is known by its host's address, never loopback.
    String network = lab.host(1).address().substring(0, lab.host(1).address().lastIndexOf('.'));
    for (Host host : lab.hosts()) {
      assertThat(host.routes())
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith(network + ".0/24 dev eth0");
    }
    ClusterStatus status = client.cluster();
    assertThat(hostOf(status.coordinator())).isEqualTo(lab.host(1).address());
    assertThat(status.nodes()).allSatisfy(n -> assertThat(n.address()).contains(network + "."));
    assertThat(hostsOf(runWhere(90)))
        .containsExactlyInAnyOrder(
            lab.host(2).address(), lab.host(3).address(), lab.host(4).address());
  }

  /**
   * Tests that a node host cut off mid-job (its link down) has its work run on the others, that
   * when the link heals its late results count for nothing, and that it joins again and gets work:
   * the job's sum stays exact.
   */
  @Test
  void aCutOffNodesWorkRunsElsewhereAndItComesBack() {
    Host victim = lab.host(3);
    partition(victim, victim::cut, victim::heal);
  }

  /**
   * Tests the same with a firewall that drops every packet of the node host while its link stays up
   * (iptables in its namespace), where nothing tells either side.
   */
  @Test
  void aFirewalledNodesWorkRunsElsewhereAndItComesBack() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Host.firewallUnavailable().isEmpty(),
        () -> "no firewall here: " + Host.firewallUnavailable().orElse(""));
    Host victim = lab.host(2);
    partition(victim, victim::dropAll, victim::allowAll);
  }

  /**
   * Partitions a node host mid-job and checks that its work runs on the others within the failure
   * detector's and the downing time, the job's sum stays exact once it heals, and the node joins
   * again and gets work.
   */
  private static void partition(Host victim, Runnable isolate, Runnable restore) {
    List<JsonNode> inputs = varied(300);
    JobStatus job = client.submit(sleeps(inputs));
    LabTests.awaitJob(client, job.id(), s -> s.succeeded() >= 30, Duration.ofSeconds(60));
    long cutAt = System.nanoTime();
    isolate.run();
    try {
      LabTests.awaitCluster(
          client, s -> !up(s, victim), Duration.ofSeconds(30), victim.name() + " unreachable");
      long unreachable = System.nanoTime();
      long done = client.status(job.id()).succeeded();
      LabTests.awaitJob(client, job.id(), s -> s.succeeded() >= done + 30, Duration.ofSeconds(30));
      LabTests.awaitCluster(
          client, s -> !listed(s, victim), Duration.ofSeconds(30), victim.name() + " downed");
      System.out.printf(
          "netlab: %s partitioned: unreachable after %d ms, downed after %d ms%n",
          victim.name(), millisSince(cutAt, unreachable), millisSince(cutAt, System.nanoTime()));
    } finally {
      restore.run();
    }
    assertExact(job, inputs);
    LabTests.awaitNodesUp(client, 3);
    assertThat(hostsOf(runWhere(90))).contains(victim.address());
  }

  /**
   * Tests that a false alarm leaves no stale run behind: a node host cut off while it runs a long
   * input, healed as soon as the coordinator takes it for unreachable (well within the downing
   * time, so it keeps its membership), drops that run once it is trusted again, as its input runs
   * elsewhere meanwhile. Once every node is trusted again only one run of the input holds a slot,
   * long before a stale run would have ended. (The healed host's own doubts about the others, which
   * reach the coordinator by gossip, may take the input from the node that took it over too: that
   * node drops its run the same way.)
   */
  @Test
  void aNodeTrustedAgainDropsTheRunThatMovedElsewhere() {
    JobStatus job = client.submit(JobRequest.of("sleep", List.of(LongNode.valueOf(120_000))));
    ClusterStatus running =
        LabTests.awaitCluster(
            client, s -> s.busySlots() == 1, Duration.ofSeconds(30), "the long input running");
    String address =
        running.nodes().stream().filter(n -> n.busy() == 1).findFirst().orElseThrow().address();
    Host victim =
        lab.hosts().stream().filter(h -> h.address().equals(hostOf(address))).findFirst().get();
    victim.cut();
    try {
      LabTests.awaitCluster(
          client, s -> !up(s, victim), Duration.ofSeconds(30), victim.name() + " unreachable");
    } finally {
      victim.heal();
    }
    LabTests.awaitLogLine(
        cluster.node(victim).log().orElseThrow(),
        "interrupted 1 running and dropped 0 queued",
        Duration.ofSeconds(60));
    ClusterStatus after =
        LabTests.awaitCluster(
            client,
            s -> s.nodes().stream().allMatch(n -> n.status().equals("UP")) && s.busySlots() == 1,
            Duration.ofSeconds(60),
            "every node trusted again and one run of the input holding a slot");
    assertThat(after.nodes()).extracting(n -> n.address()).contains(address); // the same member
    assertThat(client.status(job.id()).state()).isEqualTo(JobStatus.State.RUNNING);
    client.cancel(job.id());
    assertThat(LabTests.awaitEnd(client, job.id()).state()).isEqualTo(JobStatus.State.CANCELLED);
  }

  /**
   * Tests that cutting the coordinator off from every node, once for less than the downing time and
   * once for more, neither stops a job nor counts anything twice.
   */
  @Test
  void theCoordinatorCutOffShortAndLongLosesNothing() {
    Host coordinator = lab.host(1);
    List<JsonNode> inputs = varied(500);
    JobStatus job = client.submit(sleeps(inputs));
    LabTests.awaitJob(client, job.id(), s -> s.succeeded() >= 30, Duration.ofSeconds(60));
    cutFor(coordinator, Duration.ofSeconds(2));
    long done = LabTests.awaitJob(client, job.id(), s -> true, Duration.ofSeconds(30)).succeeded();
    LabTests.awaitJob(client, job.id(), s -> s.succeeded() >= done + 30, Duration.ofSeconds(60));
    cutFor(coordinator, Duration.ofSeconds(9));
    assertExact(job, inputs);
    LabTests.awaitNodesUp(client, 3);
  }

  /**
   * Tests that a node frozen with SIGSTOP past the downing time, then thawed, breaks nothing: its
   * work ran elsewhere, the job's sum is exact, and the same process joins again.
   */
  @Test
  void aFrozenNodeThawsAndNothingBreaks() {
    Host frozen = lab.host(4);
    long pid = cluster.node(frozen).pid();
    List<JsonNode> inputs = varied(300);
    JobStatus job = client.submit(sleeps(inputs));
    LabTests.awaitJob(client, job.id(), s -> s.succeeded() >= 30, Duration.ofSeconds(60));
    Shell.signal(pid, "STOP");
    try {
      LabTests.awaitCluster(
          client, s -> !listed(s, frozen), Duration.ofSeconds(30), frozen.name() + " downed");
    } finally {
      Shell.signal(pid, "CONT");
    }
    assertExact(job, inputs);
    LabTests.awaitNodesUp(client, 3);
    assertThat(cluster.node(frozen).pid()).isEqualTo(pid);
    assertThat(cluster.node(frozen).isAlive()).isTrue();
  }

  /**
   * Tests that a node whose clock is seven minutes ahead (its wall clock shifted) joins, takes work
   * and returns each result once; then leaves cleanly.
   */
  @Test
  void aNodeWithItsClockMinutesAheadWorks() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        ClockShift.unavailable().isEmpty(),
        () -> "cannot skew a clock here: " + ClockShift.unavailable().orElse(""));
    Host skewed = lab.host(5);
    JvmProcess node =
        cluster.startNode(
            skewed, ClockShift.environment(dir.resolve("clockshift"), Duration.ofMinutes(7)));
    try {
      node.awaitReady(Duration.ofSeconds(90));
      LabTests.awaitNodesUp(client, 4);
      assertThat(hostsOf(runWhere(160))).contains(skewed.address());
      // Its clock was really off: its log's first line is stamped minutes ahead of this JVM's.
      String first = Files.readAllLines(node.log().orElseThrow()).get(0);
      LocalTime stamped = LocalTime.parse(first.substring(0, 12));
      long ahead = Duration.between(LocalTime.now(), stamped).toMinutes();
      assertThat(Math.floorMod(ahead, 24L * 60)).as("minutes ahead, in " + first).isBetween(5L, 8L);
    } finally {
      node.terminate();
    }
    assertThat(node.waitFor(Duration.ofSeconds(60))).contains(0);
    LabTests.awaitNodesUp(client, 3);
  }

  /** Cuts a host off for a while, then heals it, whatever happens meanwhile. */
  private static void cutFor(Host host, Duration how) {
    host.cut();
    try {
      LabTests.pause(how.toMillis()); // the length of the fault, not a wait for readiness
    } finally {
      host.heal();
    }
  }

  /** Sleeps of these milliseconds, summed, one input per dispatch, as they complete. */
  private static JobRequest sleeps(List<JsonNode> inputs) {
    return JobRequest.of("sleep", inputs).withCombine("sum").withOrdered(false).withBatch(1);
  }

  /** Inputs of 20 to 59 ms, all different enough that a wrong sum shows. */
  private static List<JsonNode> varied(int count) {
    List<JsonNode> inputs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      inputs.add(LongNode.valueOf(20 + (i * 7L) % 40));
    }
    return inputs;
  }

  /**
   * Waits for the job's end and asserts it succeeded with each result once, each output its input,
   * and the exact sum.
   */
  private static void assertExact(JobStatus job, List<JsonNode> inputs) {
    JobStatus end = LabTests.awaitEnd(client, job.id());
    assertThat(end.state()).as(end.toString()).isEqualTo(JobStatus.State.SUCCEEDED);
    long sum = inputs.stream().mapToLong(JsonNode::longValue).sum();
    assertThat(end.combined().longValue()).isEqualTo(sum);
    List<Result> results = LabTests.results(client, job.id());
    LabTests.assertExactlyOnce(results, inputs.size());
    results.forEach(
        r -> assertThat(r.output().longValue()).isEqualTo(inputs.get((int) r.index()).longValue()));
  }

  /** Runs {@code count} inputs of {@code lab-where} to their end and returns the results. */
  private static List<Result> runWhere(int count) {
    JobStatus job = client.submit(JobRequest.of("lab-where", millis(count, 30)).withBatch(1));
    assertThat(LabTests.awaitEnd(client, job.id()).state()).isEqualTo(JobStatus.State.SUCCEEDED);
    List<Result> results = LabTests.results(client, job.id());
    LabTests.assertExactlyOnce(results, count);
    return results;
  }

  private static Set<String> hostsOf(List<Result> results) {
    Set<String> hosts = new TreeSet<>();
    results.forEach(r -> hosts.add(hostOf(r.output().textValue())));
    return hosts;
  }

  private static boolean up(ClusterStatus status, Host host) {
    return status.nodes().stream()
        .anyMatch(n -> hostOf(n.address()).equals(host.address()) && n.status().equals("UP"));
  }

  private static boolean listed(ClusterStatus status, Host host) {
    return status.nodes().stream().anyMatch(n -> hostOf(n.address()).equals(host.address()));
  }

  private static long millisSince(long start, long end) {
    return (end - start) / 1_000_000;
  }

  static List<JsonNode> millis(int count, long each) {
    List<JsonNode> inputs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      inputs.add(LongNode.valueOf(each));
    }
    return inputs;
  }

  /** The host of a member address such as {@code pekko://cohort@198.18.1.2:25521}. */
  static String hostOf(String address) {
    String hostPort = address.substring(address.lastIndexOf('@') + 1);
    return hostPort.substring(0, hostPort.lastIndexOf(':'));
  }
}
