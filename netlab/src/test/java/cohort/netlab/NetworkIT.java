package cohort.netlab;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.nio.file.Path;
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
    JobStatus job = client.submit(JobRequest.of("lab-where", millis(90, 30)).withBatch(1));
    assertThat(LabTests.awaitEnd(client, job.id()).state()).isEqualTo(JobStatus.State.SUCCEEDED);
    List<Result> results = LabTests.results(client, job.id());
    LabTests.assertExactlyOnce(results, 90);
    Set<String> hosts = new TreeSet<>();
    results.forEach(r -> hosts.add(hostOf(r.output().textValue())));
    assertThat(hosts)
        .containsExactlyInAnyOrder(
            lab.host(2).address(), lab.host(3).address(), lab.host(4).address());
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
