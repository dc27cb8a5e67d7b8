package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ClusterStatus;
import cohort.api.JobOutcome;
import cohort.api.JobRequest;
import cohort.api.NodeStatus;
import cohort.cli.local.JvmProcess;
import cohort.client.CohortClient;
import cohort.protocol.security.ClusterCa;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members that bind one address and are known by another ({@code --advertise}), and nodes that join
 * a coordinator by a DNS name, on real JVMs. Every address is on loopback: Linux routes all of
 * 127/8 there, so 127.0.0.2 and 127.0.0.3 stand for other machines. The JVMs resolve names from a
 * hosts file of the test's own ({@code -Djdk.net.hosts.file}), so a name that does not resolve is
 * never asked of a DNS server, and a test can make one resolve later, as a Kubernetes DNS record
 * appears after the pods that wait for it.
 */
class AdvertiseIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final String WAITING = "waiting for the coordinator at ";

  private static Path logs;

  @TempDir Path dir;

  private Path hosts;
  private Path ca;
  private final List<JvmProcess> started = new ArrayList<>();

  @RegisterExtension
  final TestWatcher printLogsOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          Children.printLogs(logs);
        }
      };

  @BeforeAll
  static void logFolder() {
    logs = Children.logDir(AdvertiseIT.class);
  }

  @BeforeEach
  void hostsAndCa() throws IOException {
    // The machine's own names (localhost, its host name), and nothing else.
    hosts = dir.resolve("hosts");
    Path machine = Path.of("/etc/hosts");
    Files.writeString(
        hosts,
        (Files.isReadable(machine) ? Files.readString(machine) : "") + "\n127.0.0.1 localhost\n");
    ca = dir.resolve("ca");
    ClusterCa.init(ca, "Advertise test");
  }

  @AfterEach
  void stopAll() {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).stop(Duration.ofSeconds(30));
    }
  }

  /**
   * Tests a coordinator bound to 127.0.0.1 and known by a DNS name ({@code --advertise localhost})
   * and a node that joins it by that name and is known by it too: the readiness lines, GET
   * /cluster, and the node a task ran on all show the name, their certificates name it, and a job
   * runs. A node that joins the same port by its address instead is not let in, and says once, in
   * words, that it should join by the advertised host.
   */
  @Test
  void aCoordinatorKnownByANameTakesNodesThatJoinByIt() throws Exception {
    Map<String, String> coordinator =
        start(
                "named-coordinator",
                "coordinator",
                "--host",
                "127.0.0.1",
                "--advertise",
                "localhost",
                "--cluster-port",
                "0",
                "--http-port",
                "0",
                "--data-dir",
                dir.resolve("data").toString())
            .awaitReady(START);
    String cluster = coordinator.get("cluster");
    assertThat(cluster).matches("localhost:[1-9][0-9]*");
    assertThat(coordinator.get("http")).matches("http://localhost:[1-9][0-9]*");
    String port = cluster.substring("localhost:".length());

    Map<String, String> node =
        start(
                "named-node",
                "node",
                "--join",
                cluster,
                "--host",
                "127.0.0.1",
                "--advertise",
                "localhost",
                "--workers",
                "2")
            .awaitReady(START);
    assertThat(node.get("node")).matches("localhost:[1-9][0-9]*");
    assertThat(node.get("coordinator")).isEqualTo(cluster);
    assertThat(Files.readString(logs.resolve("named-node.log"))).doesNotContain(WAITING);

    // The node's own certificate names the host it is known by and the address it binds.
    assertThat(ca.resolve("members").resolve("localhost,127.0.0.1").resolve("tls.crt")).exists();

    JvmProcess byAddress =
        start("node-by-address", "node", "--join", "127.0.0.1:" + port, "--workers", "1");

    CohortClient client = CohortClient.connect(URI.create(coordinator.get("http")));
    JobOutcome outcome = client.run(JobRequest.of("where", Jobs.repeat(5, 6)));
    assertThat(outcome.results()).hasSize(6);
    assertThat(outcome.results())
        .allSatisfy(result -> assertThat(result.output().asText()).isEqualTo(node.get("node")));
    ClusterStatus status = client.cluster();
    assertThat(status.nodes()).extracting(NodeStatus::address).containsExactly(node.get("node"));
    // Bound to loopback and known by a loopback name: it takes direct calls, shown by that name.
    assertThat(status.nodes().get(0).direct()).matches("localhost:[1-9][0-9]*");

    String notLetIn = SecurityIT.awaitLine(logs.resolve("node-by-address.log"), WAITING);
    assertThat(notLetIn)
        .contains("WARN")
        .contains(
            "waiting for the coordinator at 127.0.0.1:"
                + port
                + ": 127.0.0.1:"
                + port
                + " answers but has not let this node join. It may be busy, or know itself by"
                + " another name: a coordinator lets in only nodes that join it by the host it"
                + " advertises");
    assertThat(byAddress.isAlive()).isTrue();
    assertThat(byAddress.readiness()).isEmpty();
  }

  /**
   * Tests a coordinator bound to every interface (0.0.0.0) and advertised at 127.0.0.2, with HTTPS
   * and the TLS cluster port a coordinator beyond loopback needs, and a node bound to 127.0.0.3:
   * the coordinator's certificate names 127.0.0.2 only, its URL and address show it, the node's
   * address shows 127.0.0.3, and a job runs. Without --advertise such a coordinator does not start,
   * saying to give it.
   */
  @Test
  void aCoordinatorBoundToEveryInterfaceIsReachedAtItsAdvertisedAddress() throws Exception {
    Cli.Run refused =
        Cli.run(
            "coordinator",
            "--host",
            "0.0.0.0",
            "--cluster-port",
            "0",
            "--http-port",
            "0",
            "--data-dir",
            dir.resolve("refused-data").toString(),
            "--cluster-ca-dir",
            ca.toString());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.stderr())
        .contains(
            "cohort.host = 0.0.0.0 binds every interface, and other members cannot reach this one"
                + " at 0.0.0.0: give the address or DNS name they reach it at with --advertise"
                + " HOST");

    Path https = dir.resolve("https");
    ClusterCa.open(ca).issue(List.of("127.0.0.2"), Duration.ofDays(1), https);
    Map<String, String> coordinator =
        start(
                "wildcard-coordinator",
                "coordinator",
                "--host",
                "0.0.0.0",
                "--advertise",
                "127.0.0.2",
                "--cluster-port",
                "0",
                "--http-port",
                "0",
                "--data-dir",
                dir.resolve("data").toString(),
                "--tls-cert",
                https.resolve("tls.crt").toString(),
                "--tls-key",
                https.resolve("tls.key").toString())
            .awaitReady(START);
    assertThat(coordinator.get("cluster")).matches("127\\.0\\.0\\.2:[1-9][0-9]*");
    assertThat(coordinator.get("http")).matches("https://127\\.0\\.0\\.2:[1-9][0-9]*");
    assertThat(ca.resolve("members").resolve("127.0.0.2").resolve("tls.crt")).exists();

    Map<String, String> node =
        start(
                "other-address-node",
                "node",
                "--join",
                coordinator.get("cluster"),
                "--host",
                "127.0.0.3",
                "--workers",
                "2")
            .awaitReady(START);
    assertThat(node.get("node")).matches("127\\.0\\.0\\.3:[1-9][0-9]*");

    List<String> trust =
        List.of(
            "--coordinator",
            coordinator.get("http"),
            "--tls-ca",
            ca.resolve(ClusterCa.CA_CERT).toString());
    Cli.Run job = Cli.run(args(List.of("submit", "where", "1", "2", "3", "4"), trust));
    assertThat(job.exitCode()).as(job.stderr()).isZero();
    assertThat(job.stdout())
        .hasSize(4)
        .allSatisfy(line -> assertThat(line).contains(node.get("node")));
    Cli.Run nodes = Cli.run(args(List.of("nodes"), trust));
    assertThat(nodes.exitCode()).as(nodes.stderr()).isZero();
    assertThat(String.join("\n", nodes.stdout())).contains(node.get("node"));
  }

  /**
   * Tests a node told to join a coordinator by a name that does not resolve: it says so in one
   * line, and keeps trying (Pekko's own attempts go on after it, and the node does not exit)
   * without saying it again.
   */
  @Test
  void aNodeWaitsForANameThatDoesNotResolveAndSaysSoOnce() throws Exception {
    JvmProcess node =
        start(
            "unresolved-node",
            "node",
            "--join",
            "coordinator.cohort.invalid:25520",
            "--workers",
            "1");
    Path log = logs.resolve("unresolved-node.log");
    assertThat(SecurityIT.awaitLine(log, WAITING))
        .contains("WARN")
        .endsWith(
            "waiting for the coordinator at coordinator.cohort.invalid:25520: the name"
                + " coordinator.cohort.invalid does not resolve; the node looks it up again and"
                + " joins once it resolves and the coordinator answers (in Kubernetes its DNS"
                + " record may not exist yet)");
    // Pekko tries to join about once a second: five more attempts after the line.
    int after = awaitJoinAttempts(log, 5);
    assertThat(node.isAlive()).isTrue();
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(lines.stream().filter(line -> line.contains(WAITING))).hasSize(1);
    assertThat(after).isGreaterThanOrEqualTo(5);
  }

  /**
   * Tests the Kubernetes start-up order: a node joins a coordinator by a DNS name that does not
   * resolve yet, says so, and joins once the name resolves, saying that too; the coordinator is
   * advertised by that name, and a client reaches it by its URL, which carries the name.
   */
  @Test
  void aNodeJoinsOnceTheCoordinatorsNameResolves() throws Exception {
    String name = "coordinator.cohort.test";
    Map<String, String> coordinator =
        start(
                "dns-coordinator",
                "coordinator",
                "--host",
                "127.0.0.1",
                "--advertise",
                name,
                "--cluster-port",
                "0",
                "--http-port",
                "0",
                "--data-dir",
                dir.resolve("data").toString())
            .awaitReady(START);
    assertThat(coordinator.get("cluster")).startsWith(name + ":");
    assertThat(coordinator.get("http")).startsWith("http://" + name + ":");

    JvmProcess node =
        start("dns-node", "node", "--join", coordinator.get("cluster"), "--workers", "2");
    Path log = logs.resolve("dns-node.log");
    assertThat(SecurityIT.awaitLine(log, WAITING))
        .contains("the name " + name + " does not resolve");
    assertThat(node.readiness()).isEmpty();

    Files.writeString(hosts, "127.0.0.1 " + name + "\n", StandardOpenOption.APPEND);
    Map<String, String> ready = node.awaitReady(START);
    assertThat(ready.get("coordinator")).isEqualTo(coordinator.get("cluster"));
    assertThat(SecurityIT.awaitLine(log, "joined the cluster of the coordinator"))
        .contains("INFO")
        .contains("joined the cluster of the coordinator " + coordinator.get("cluster"));
    assertThat(Files.readAllLines(log).stream().filter(line -> line.contains(WAITING))).hasSize(1);

    Cli.Running job =
        Cli.start(
            Map.of(),
            List.of(hostsFlag()),
            null,
            "submit",
            "echo",
            "a",
            "b",
            "--coordinator",
            coordinator.get("http"));
    Cli.Run run = job.await(START);
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).hasSize(2);
  }

  private String hostsFlag() {
    return "-Djdk.net.hosts.file=" + hosts;
  }

  private static String[] args(List<String> command, List<String> more) {
    List<String> all = new ArrayList<>(command);
    all.addAll(more);
    return all.toArray(String[]::new);
  }

  /** Starts a child JVM that resolves names from the test's hosts file and uses its CA. */
  private JvmProcess start(String name, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--cluster-ca-dir",
            ca.toString(),
            "--parent-pid",
            String.valueOf(ProcessHandle.current().pid())));
    JvmProcess process =
        JvmProcess.start(
            name,
            Children.classPath(),
            List.of("-Xmx256m", hostsFlag()),
            all,
            Optional.of(logs.resolve(name + ".log")),
            line -> {},
            false);
    started.add(process);
    return process;
  }

  private static final Pattern ATTEMPTS =
      Pattern.compile("Couldn't join seed nodes after \\[(\\d+)\\] attempts");

  /**
   * Waits until Pekko has made {@code count} more join attempts after the node's waiting line, and
   * returns how many it made.
   */
  private static int awaitJoinAttempts(Path log, int count) throws Exception {
    long deadline = System.nanoTime() + START.toNanos();
    while (System.nanoTime() < deadline) {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      int said = -1;
      int first = -1;
      int last = -1;
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains(WAITING)) {
          said = i;
        }
        Matcher attempts = ATTEMPTS.matcher(lines.get(i));
        if (said >= 0 && attempts.find()) {
          int n = Integer.parseInt(attempts.group(1));
          first = first < 0 ? n : first;
          last = n;
        }
      }
      if (first >= 0 && last - first + 1 >= count) {
        return last - first + 1;
      }
      Jobs.pause(100);
    }
    throw new AssertionError(
        "Pekko made fewer than "
            + count
            + " join attempts after the waiting line in "
            + log
            + ":\n"
            + Files.readAllLines(log).stream().collect(Collectors.joining("\n")));
  }
}
