package cohort.bench.cases;

import cohort.api.JobOutcome;
import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.bench.BenchContext;
import cohort.bench.ShippedEcho;
import cohort.bench.report.CaseResult;
import cohort.bench.report.Check;
import cohort.bench.report.Series;
import cohort.bench.report.Stats;
import cohort.cli.local.LocalCluster;
import cohort.client.CohortClient;
import cohort.client.Credentials;
import cohort.client.direct.DirectClient;
import cohort.pool.Cohort;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Case 3, round trip: one trivial task on a warm cluster, from submission to its result, one call
 * after another; the p50 and p99 over the calls. Cohort through its Java client and through plain
 * HTTP (a waited {@code POST /jobs}, and the submit-then-stream pair), and through the typed Java
 * API ({@code Cohort.submit(task, input).get()}, with a task whose code the API ships), against a
 * warm {@code Pool.apply} and Hazelcast's {@code submit().get()}.
 */
public final class RoundTrip implements BenchCase {

  static final String DIRECT = "Cohort, Java client direct call";
  static final String JAVA = "Cohort, Java client one-input job";
  static final String HTTP = "Cohort, HTTP POST /jobs?wait";
  static final String TWO_REQUESTS = "Cohort, HTTP POST /jobs + GET results";
  static final String API = "Cohort, Java API submit().get()";
  static final String POOL = "Pool(2).apply";
  static final String HAZELCAST = "Hazelcast submit().get()";
  static final String P50 = "p50 µs";
  static final String P99 = "p99 µs";
  static final Map<String, Boolean> METRICS = Map.of(P50, false, P99, false);

  @Override
  public int number() {
    return 3;
  }

  @Override
  public CaseResult run(BenchContext context) throws Exception {
    int calls = context.pick(50, 400, 1000);
    try (LocalCluster cluster = context.cluster(2);
        Cohort cohort =
            Cohort.connect(URI.create(cluster.url()), Credentials.of(cluster.token()))) {
      CohortClient client = cluster.client();
      ShippedEcho task = new ShippedEcho();
      DirectClient direct = client.direct();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI waited = URI.create(cluster.url() + "/jobs?wait=10s");
      String authorization = cluster.token().header();
      Rounds rounds =
          new Rounds()
              .add(DIRECT, METRICS, () -> percentiles(directCalls(direct, calls)))
              .add(JAVA, METRICS, () -> percentiles(javaClient(client, calls)))
              .add(HTTP, METRICS, () -> percentiles(httpWaited(http, waited, authorization, calls)))
              .add(TWO_REQUESTS, METRICS, () -> percentiles(submitThenStream(client, calls)))
              .add(API, METRICS, () -> percentiles(apiSubmit(cohort, task, calls)));
      context
          .python()
          .ifPresent(
              python ->
                  rounds.add(
                      POOL,
                      METRICS,
                      () -> {
                        JsonNode figures =
                            python.run(
                                Duration.ofMinutes(5),
                                "apply-rtt",
                                "--calls",
                                "" + calls,
                                "--workers",
                                "2");
                        return Map.of(
                            P50,
                            figures.get("p50_us").doubleValue(),
                            P99,
                            figures.get("p99_us").doubleValue());
                      }));
      if (context.size() != BenchContext.Size.SMOKE) {
        context.warm(() -> context.hazelcast().roundTripNanos(calls));
        rounds.add(
            HAZELCAST, METRICS, () -> percentiles(context.hazelcast().roundTripNanos(calls)));
      }
      context.warm(
          () -> {
            directCalls(direct, calls * 5);
            javaClient(client, calls);
            httpWaited(http, waited, authorization, calls);
            apiSubmit(cohort, task, calls); // its first call ships the task's code, once
            return submitThenStream(client, calls / 4);
          });
      List<Series> series =
          rounds.run(context.rounds(), line -> context.progress("case 3 %s", line));
      return new CaseResult(
          number(),
          "Round trip",
          String.format("one trivial task at a time on a warm cluster, %,d calls per run", calls),
          series,
          List.of(
              new Check(
                  "Cohort Java client direct call / Hazelcast, p50",
                  DIRECT + " " + P50,
                  HAZELCAST + " " + P50,
                  false,
                  3.0),
              new Check(
                  "Cohort Java client direct call / Pool.apply, p50",
                  DIRECT + " " + P50,
                  POOL + " " + P50,
                  false,
                  3.0)),
          List.of(
              "The direct call (`DirectClient`) goes from the client straight to a node over a TCP"
                  + " connection it keeps open: one write, a hand-off to one of the node's"
                  + " direct-call threads, the task, one write back. The one-input job pays for"
                  + " everything a job is (admission, job state, result log) and for its path,"
                  + " traced with monotonic timestamps in every JVM (400 calls, medians): the HTTP"
                  + " request read and routed 0.28 ms, the coordinator accepts the job 0.15 ms,"
                  + " Artery to the node 0.42 ms, the node runs it 0.08 ms, Artery back 0.31 ms,"
                  + " the coordinator completes it and answers 0.11 ms, the HTTP response 0.32 ms."
                  + " A bare Artery request and reply between two JVMs here takes 190 to 320 µs at"
                  + " p50, so no design that passes through the coordinator over Artery could come"
                  + " near Hazelcast's client, which reaches a member over one socket; the direct"
                  + " call leaves the coordinator out of the call's path.",
              "The Java API row is `Cohort.submit(task, input).get()` one call after another:"
                  + " a one-input job like the Java client's, plus the API's own share (the input"
                  + " and output through Jackson, the call on a thread of the pool's). Its task,"
                  + " `cohort.bench.ShippedEcho`, is installed on no node: the API shipped its"
                  + " code once, before the warm-up, and each node loaded it in a class loader of"
                  + " its own, so the calls measure running shipped code, not shipping it."));
    }
  }

  static Map<String, Double> percentiles(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put(P50, Stats.quantile(sorted, 0.50) / 1000.0);
    figures.put(P99, Stats.quantile(sorted, 0.99) / 1000.0);
    return figures;
  }

  /** {@code DirectClient.call}: one input straight to a node, over a connection kept open. */
  static long[] directCalls(DirectClient direct, int calls) throws Exception {
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      JsonNode output = direct.call("echo", i).get();
      nanos[i] = System.nanoTime() - start;
      if (output.intValue() != i) {
        throw new IllegalStateException("call " + i + " answered " + output);
      }
    }
    return nanos;
  }

  /**
   * {@code Cohort.submit(task, input).get()}: the typed Java API, a one-input job for each call,
   * with a task whose code travels to the nodes.
   */
  static long[] apiSubmit(Cohort cohort, ShippedEcho task, int calls) throws Exception {
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      Integer output = cohort.submit(task, i).get();
      nanos[i] = System.nanoTime() - start;
      if (output == null || output != i) {
        throw new IllegalStateException("call " + i + " answered " + output);
      }
    }
    return nanos;
  }

  /** {@code CohortClient.run}: one request that submits the job and answers with its result. */
  static long[] javaClient(CohortClient client, int calls) {
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      JobOutcome outcome = client.run(JobRequest.of("echo", List.of(IntNode.valueOf(i))));
      nanos[i] = System.nanoTime() - start;
      if (outcome.results().size() != 1 || outcome.results().get(0).output().intValue() != i) {
        throw new IllegalStateException("call " + i + " answered " + outcome);
      }
    }
    return nanos;
  }

  /**
   * What {@code curl -H 'Authorization: Bearer TOKEN' -X POST 'HOST/jobs?wait=10s'} does, with
   * Java's plain HTTP client.
   */
  static long[] httpWaited(HttpClient http, URI waited, String authorization, int calls)
      throws Exception {
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      String body = "{\"task\":\"echo\",\"inputs\":[" + i + "]}";
      long start = System.nanoTime();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(waited)
                  .header("Content-Type", "application/json")
                  .header("Authorization", authorization)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      nanos[i] = System.nanoTime() - start;
      if (response.statusCode() != 200 || !response.body().contains("\"output\":" + i + "}")) {
        throw new IllegalStateException(
            "call " + i + " answered " + response.statusCode() + " " + response.body());
      }
    }
    return nanos;
  }

  /** The streaming API for a single input: submit, then read the results stream to its end. */
  static long[] submitThenStream(CohortClient client, int calls) {
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      JobStatus job = client.submit(JobRequest.of("echo", List.of(IntNode.valueOf(i))));
      List<String> lines;
      try (Stream<String> results = client.resultLines(job.id())) {
        lines = results.toList();
      }
      nanos[i] = System.nanoTime() - start;
      if (lines.size() != 1) {
        throw new IllegalStateException("call " + i + " returned " + lines);
      }
    }
    return nanos;
  }
}
