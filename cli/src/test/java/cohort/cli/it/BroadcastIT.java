package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.JobOutcome;
import cohort.api.JobRequest;
import cohort.api.Result;
import cohort.api.code.Sha256;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Broadcasts and per-node setup on a real coordinator and two node JVMs of three slots each: a 20
 * MB file reaches each node once for a job of 200 inputs, a second job with the same file fetches
 * nothing, the task's setup runs once per node per job and is shared by its inputs there, and its
 * teardown runs when the job ends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BroadcastIT {

  /** The nodes' broadcast caches, fresh for each run, so the first job must fetch. */
  private static final Path CACHE = fresh("broadcast-cache");

  @RegisterExtension
  static final ClusterExtension CLUSTER =
      new ClusterExtension(
          2, false, List.of(), List.of("-Dcohort.node.broadcast-cache=" + CACHE), 3);

  private static final int SIZE = 20 << 20;
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final Pattern FETCHED = Pattern.compile("fetched broadcast ([0-9a-f]{12})");

  private static Path file;
  private static byte[] bytes;
  private static String digest;
  private static Path marks;

  @BeforeAll
  static void makeTheBroadcast() throws IOException {
    Path folder = fresh("broadcast-files");
    bytes = new byte[SIZE];
    new Random(18).nextBytes(bytes);
    file = Files.write(folder.resolve("data.bin"), bytes);
    digest = Sha256.of(file);
    marks = Files.createDirectories(folder.resolve("marks"));
  }

  /** Tests that a 20 MB broadcast reaches each node once for 200 inputs, which read it right. */
  @Test
  @Order(1)
  void reachesEachNodeOnce() throws Exception {
    Cli.Run run =
        Cli.run(
            "submit",
            "broadcast-check",
            "--range",
            "0..200",
            "--broadcast",
            "data=" + file,
            "-p",
            "marks=" + marks,
            "--quiet",
            "--coordinator",
            CLUSTER.cluster().url());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    String job = run.jobId();
    List<Result> results = Jobs.results(CLUSTER.client(), job);
    assertEveryInputReadTheBroadcast(results, 200);

    Map<String, Set<String>> setupsByNode = setupsByNode(results);
    assertThat(setupsByNode).as("both nodes ran the job").hasSize(2);
    assertThat(setupsByNode.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
    assertThat(marks(job)).hasSize(2);

    // Each node fetched the broadcast exactly once, whatever how many batches and slots ran it.
    assertThat(fetchesByNodeLog()).containsOnlyKeys("node-1.log", "node-2.log");
    assertThat(fetchesByNodeLog().values()).containsOnly(1L);
    String metrics = metrics();
    assertThat(requests(metrics, "GET", "200")).isEqualTo(2);
    assertThat(requests(metrics, "PUT", "201")).isEqualTo(1);

    for (Set<String> ids : setupsByNode.values()) {
      awaitFile(marks.resolve("teardown-" + ids.iterator().next()));
    }
  }

  /** Tests that a second job with the same file, from the Java client, fetches nothing. */
  @Test
  @Order(2)
  void aSecondJobUsesTheNodesCopies() throws Exception {
    CohortClient client = CLUSTER.client();
    assertThat(client.broadcasts().share(file)).isEqualTo(digest); // present: not sent again
    JobOutcome outcome =
        client.run(
            JobRequest.range("broadcast-check", "0..120")
                .withParams(Map.of("marks", TextNode.valueOf(marks.toString())))
                .withBroadcast(Map.of("data", digest)));
    assertEveryInputReadTheBroadcast(sorted(outcome.results()), 120);
    Map<String, Set<String>> setups = setupsByNode(outcome.results());
    assertThat(setups.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
    assertThat(marks(outcome.job().id())).hasSize(setups.size());

    assertThat(fetchesByNodeLog().values()).containsOnly(1L);
    String metrics = metrics();
    assertThat(requests(metrics, "GET", "200")).isEqualTo(2);
    assertThat(requests(metrics, "PUT", "201")).isEqualTo(1);
    for (Set<String> ids : setups.values()) {
      awaitFile(marks.resolve("teardown-" + ids.iterator().next()));
    }
  }

  /** Tests that a setup that throws fails the job's inputs with a message in plain words. */
  @Test
  @Order(3)
  void aFailedSetupFailsTheInputs() {
    JobOutcome outcome =
        CLUSTER
            .client()
            .run(
                JobRequest.range("broadcast-check", "0..10")
                    .withParams(
                        Map.of(
                            "marks",
                            TextNode.valueOf(marks.toString()),
                            "failSetup",
                            BooleanNode.TRUE))
                    .withBroadcast(Map.of("data", digest)));
    assertThat(outcome.results()).hasSize(10);
    assertThat(outcome.results())
        .allSatisfy(
            result ->
                assertThat(result.error().message())
                    .startsWith("setup of task broadcast-check failed on node ")
                    .endsWith(": the model would not load"));
  }

  /** Tests that a job naming a broadcast the coordinator has not got is refused, saying how. */
  @Test
  @Order(4)
  void aMissingBroadcastIsRefused() {
    String absent = "0".repeat(64);
    assertThatThrownBy(
            () ->
                CLUSTER
                    .client()
                    .submit(
                        JobRequest.range("broadcast-check", "0..10")
                            .withBroadcast(Map.of("model", absent))))
        .hasMessageContaining("broadcast 'model' (" + absent + ") is not on the coordinator")
        .hasMessageContaining("PUT /broadcasts/" + absent);
    assertThatThrownBy(
            () ->
                CLUSTER
                    .client()
                    .submit(
                        JobRequest.range("broadcast-check", "0..10")
                            .withBroadcast(Map.of("no name", digest))))
        .hasMessageContaining("'no name' is not a broadcast name");
  }

  private static void assertEveryInputReadTheBroadcast(List<Result> results, int total) {
    Jobs.assertEveryIndexOnce(results, total);
    for (Result result : results) {
      assertThat(result.error()).as("input %d", result.index()).isNull();
      JsonNode output = result.output();
      assertThat(output.get("sha256").asText()).isEqualTo(digest);
      assertThat(output.get("size").asInt()).isEqualTo(SIZE);
      assertThat(output.get("crc").asLong())
          .as("input %d", result.index())
          .isEqualTo(BroadcastTask.expectedCrc(bytes, result.index()));
    }
  }

  private static List<Result> sorted(List<Result> results) {
    return results.stream().sorted(java.util.Comparator.comparingLong(Result::index)).toList();
  }

  /** The setup ids each node's inputs saw, by node. */
  private static Map<String, Set<String>> setupsByNode(List<Result> results) {
    return results.stream()
        .collect(
            Collectors.groupingBy(
                result -> result.output().get("node").asText(),
                Collectors.mapping(
                    result -> result.output().get("setup").asText(), Collectors.toSet())));
  }

  /** The marks the job's setups wrote: one per setup that ran. */
  private static List<Path> marks(String job) throws IOException {
    try (Stream<Path> files = Files.list(marks)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("setup-" + job + "-"))
          .toList();
    }
  }

  /** How many times each node's log says it fetched this test's broadcast. */
  private static Map<String, Long> fetchesByNodeLog() throws IOException {
    try (Stream<Path> logs = Files.list(CLUSTER.logs())) {
      List<Path> nodeLogs =
          logs.filter(log -> log.getFileName().toString().startsWith("node-")).toList();
      Map<String, Long> counts = new java.util.TreeMap<>();
      for (Path log : nodeLogs) {
        long fetched =
            Files.readAllLines(log).stream()
                .map(FETCHED::matcher)
                .filter(Matcher::find)
                .filter(m -> digest.startsWith(m.group(1)))
                .count();
        counts.put(log.getFileName().toString(), fetched);
      }
      return counts;
    }
  }

  private static String metrics() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(CLUSTER.cluster().url() + "/metrics"))
                    .header("Authorization", "Bearer " + CLUSTER.cluster().token().value())
                    .timeout(Duration.ofSeconds(30))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  /** Requests the coordinator answered on the broadcast route with this method and status. */
  private static long requests(String metrics, String method, String status) {
    Matcher matcher =
        Pattern.compile(
                "^"
                    + Pattern.quote(
                        "cohort_http_requests_total{method=\""
                            + method
                            + "\",route=\"/broadcasts/{digest}\",status=\""
                            + status
                            + "\"}")
                    + " (\\S+)$",
                Pattern.MULTILINE)
            .matcher(metrics);
    return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
  }

  /** Waits for a file a node writes when the job ends there; fails after {@link #BOUND}. */
  private static void awaitFile(Path path) throws InterruptedException {
    Instant deadline = Instant.now().plus(BOUND);
    while (!Files.exists(path)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(path + " was not written within " + BOUND.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }

  private static Path fresh(String name) {
    try {
      Path data = Files.createDirectories(Path.of("target", "it-data"));
      return Files.createTempDirectory(data, name + "-").toAbsolutePath();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
