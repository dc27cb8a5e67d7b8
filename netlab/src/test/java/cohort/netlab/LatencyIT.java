package cohort.netlab;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Long links: every member of the cluster is reached through a relay that adds 50 ms each way (100
 * ms a round trip between the coordinator and each node), and a job of 10,000 tiny inputs still
 * completes, its sum exact. Prints its rate against the same job on plain links, measured in the
 * same run.
 */
class LatencyIT {

  private static final long DELAY_MS = 50;
  private static final int INPUTS = 10_000;

  /** Tests that 10,000 tiny inputs complete over links 50 ms long each way, each result once. */
  @Test
  void tenThousandTinyInputsCompleteOverLongLinks() throws IOException {
    LabTests.assumeLab();
    Path dir = LabTests.dir(LatencyIT.class);
    try (Lab lab = Lab.create(5)) {
      List<Host> nodes = List.of(lab.host(2), lab.host(3), lab.host(4));
      double plain;
      LabCluster direct = null;
      try {
        direct = LabCluster.start(options(dir.resolve("plain"), Map.of()), lab.host(1), nodes);
        plain = rate(direct.client());
      } catch (RuntimeException | AssertionError e) {
        LabTests.printLogs(dir.resolve("plain/logs"));
        throw e;
      } finally {
        if (direct != null) {
          direct.close();
        }
      }

      Host relayHost = lab.host(5);
      Map<String, String> advertise = new LinkedHashMap<>();
      Map<String, String> routes = new LinkedHashMap<>();
      for (int i = 1; i <= 4; i++) {
        Host host = lab.host(i);
        String face = lab.spareAddress(100 + i);
        relayHost.addAddress(face);
        advertise.put(host.name(), face);
        int port = i == 1 ? LabCluster.CLUSTER_PORT : LabCluster.NODE_PORT;
        routes.put(face + ":" + port, host.address() + ":" + port);
      }
      Files.createDirectories(dir.resolve("delayed/logs"));
      double delayed;
      long roundTrip;
      LabCluster far = null;
      try (Relay relay =
          Relay.start(
              relayHost,
              DELAY_MS,
              routes,
              System.getProperty("cohort.netlab.classes"),
              dir.resolve("delayed/logs/relay.log"))) {
        far = LabCluster.start(options(dir.resolve("delayed"), advertise), lab.host(1), nodes);
        CohortClient client = far.client();
        roundTrip = oneInput(client);
        delayed = rate(client);
      } catch (RuntimeException | AssertionError e) {
        LabTests.printLogs(dir.resolve("delayed/logs"));
        throw e;
      } finally {
        if (far != null) {
          far.close();
        }
      }
      // The relay really stands in the way: one input's trip from the coordinator to a node and
      // back crosses it twice each way.
      assertThat(roundTrip).as("one input's job, in ms").isGreaterThanOrEqualTo(2 * DELAY_MS);
      String report =
          String.format(
              "netlab: %,d tiny inputs on 3 nodes of 2 slots: %,.0f inputs/s on plain links,"
                  + " %,.0f inputs/s with %d ms added each way (%.2f of plain); a one-input job"
                  + " took %d ms there%n",
              INPUTS, plain, delayed, DELAY_MS, delayed / plain, roundTrip);
      System.out.print(report);
      Files.writeString(dir.resolve("rates.txt"), report);
    }
  }

  private static LabCluster.Options options(Path dir, Map<String, String> advertise) {
    return new LabCluster.Options(LabTests.classPath(), dir, 2, List.of(), advertise);
  }

  /**
   * Runs the job four times (the first warms the cluster up) and returns the best rate of the other
   * three, after checking that each returned every result once and its exact sum.
   */
  private static double rate(CohortClient client) {
    List<JsonNode> inputs = new ArrayList<>();
    for (int i = 0; i < INPUTS; i++) {
      inputs.add(LongNode.valueOf(i));
    }
    long sum = (long) INPUTS * (INPUTS - 1) / 2;
    double best = 0;
    for (int round = 0; round < 4; round++) {
      JobStatus job = client.submit(JobRequest.of("echo", inputs).withCombine("sum"));
      JobStatus end = LabTests.awaitEnd(client, job.id());
      assertThat(end.state()).as(end.toString()).isEqualTo(JobStatus.State.SUCCEEDED);
      assertThat(end.combined().longValue()).isEqualTo(sum);
      LabTests.assertExactlyOnce(LabTests.results(client, job.id()), INPUTS);
      if (round > 0) {
        best = Math.max(best, INPUTS * 1000.0 / Math.max(1, end.elapsedMillis()));
      }
    }
    return best;
  }

  /** The time a job of one input took, in ms, on a warm cluster (the best of three). */
  private static long oneInput(CohortClient client) {
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      JobStatus job = client.submit(JobRequest.of("echo", List.of(LongNode.valueOf(round))));
      JobStatus end = LabTests.awaitEnd(client, job.id());
      assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
      best = Math.min(best, end.elapsedMillis());
    }
    return best;
  }
}
