package cohort.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ApiJson;
import cohort.api.ClusterStatus;
import cohort.api.NodeStatus;
import cohort.coordinator.CoordinatorApp;
import cohort.coordinator.CoordinatorSettings;
import cohort.node.ExecAllowance;
import cohort.node.NodeApp;
import cohort.node.TaskRegistry;
import cohort.protocol.CoordinatorProtocol;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} against a real coordinator and a real node in this JVM, over a real socket
 * on a port the server picked, and the node figures of {@code GET /cluster}.
 */
class MetricsRoutesTest {

  private static final String TOKEN = "metrics-routes-test-token-0123456789";
  private static final ObjectMapper JSON = ApiJson.newMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @TempDir static Path dataDir;

  private static ActorSystem<Void> system;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    Config config =
        CoordinatorApp.loadConfig(
            Map.of(
                "cohort.coordinator.cluster-port",
                0,
                "cohort.coordinator.http-port",
                0,
                "cohort.coordinator.data-dir",
                dataDir.toString(),
                "cohort.coordinator.token",
                TOKEN,
                "cohort.node.stats-every",
                "200ms",
                "pekko.cluster.roles",
                List.of("coordinator", "node")));
    CoordinatorSettings settings = CoordinatorSettings.fromConfig(config);
    system =
        ActorSystem.create(
            Behaviors.empty(),
            CoordinatorProtocol.SYSTEM_NAME,
            CoordinatorApp.clusterConfig(settings, config));
    var started = CoordinatorApp.init(system, settings);
    var registered =
        NodeApp.init(
            system,
            TaskRegistry.load(MetricsRoutesTest.class.getClassLoader(), ExecAllowance.NONE),
            2,
            Duration.ZERO);
    url = started.toCompletableFuture().get(30, TimeUnit.SECONDS).httpUrl();
    registered.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> send(String method, String path, String body, boolean token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (token) {
      request.header("Authorization", "Bearer " + TOKEN);
    }
    return HTTP.send(request.build(), BodyHandlers.ofString());
  }

  private static String metrics() throws Exception {
    HttpResponse<String> response = send("GET", "/metrics", null, true);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain")
        .contains("version=0.0.4");
    return response.body();
  }

  /** The value of the series that starts with {@code series}, if the text has it. */
  static Optional<Double> value(String text, String series) {
    Matcher matcher =
        Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    return matcher.find() ? Optional.of(Double.parseDouble(matcher.group(1))) : Optional.empty();
  }

  /**
   * Tests that a job's inputs count by task, its results and durations are counted, requests count
   * by route template and status, and the JVM's own metrics are there.
   */
  @Test
  void countsAJobsInputsAndTheRequests() throws Exception {
    String before = metrics();
    double done = value(before, "cohort_inputs_done_total{task=\"sum-range\"}").orElse(0.0);
    HttpResponse<String> ran =
        send(
            "POST",
            "/jobs?wait=30s",
            "{\"task\":\"sum-range\",\"inputs\":[{\"start\":1,\"end\":3},{\"start\":4,\"end\":9},"
                + "{\"start\":0,\"end\":1}]}",
            true);
    assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
    String id = JSON.readTree(ran.body()).get("job").get("id").textValue();
    assertThat(send("GET", "/jobs/" + id, null, true).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/jobs/" + id, null, false).statusCode()).isEqualTo(401);

    String after = metrics();
    assertThat(value(after, "cohort_inputs_done_total{task=\"sum-range\"}")).contains(done + 3);
    assertThat(value(after, "cohort_inputs_submitted_total{task=\"sum-range\"}").orElse(0.0))
        .isGreaterThanOrEqualTo(3);
    assertThat(value(after, "cohort_task_duration_seconds_count{task=\"sum-range\"}").orElse(0.0))
        .isGreaterThanOrEqualTo(3);
    assertThat(value(after, "cohort_dispatched_inputs_total{task=\"sum-range\"}").orElse(0.0))
        .isGreaterThanOrEqualTo(3);
    assertThat(
            value(
                after,
                "cohort_http_requests_total{method=\"GET\",route=\"/jobs/{id}\",status=\"200\"}"))
        .contains(1.0);
    assertThat(
            value(
                after,
                "cohort_http_requests_total{method=\"GET\",route=\"/jobs/{id}\",status=\"401\"}"))
        .contains(1.0);
    assertThat(value(after, "cohort_jobs{state=\"succeeded\"}").orElse(0.0))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(after, "cohort_nodes{state=\"up\"}")).contains(1.0);
    assertThat(value(after, "cohort_slots")).contains(2.0);
    assertThat(value(after, "cohort_result_log_bytes").orElse(0.0)).isPositive();
    assertThat(after).contains("jvm_memory_used_bytes{area=\"heap\"}");
    assertThat(after).doesNotContain(id);
  }

  /** Tests that the metrics need the token, as every route but /health does. */
  @Test
  void needsTheToken() throws Exception {
    HttpResponse<String> refused = send("GET", "/metrics", null, false);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("error").doesNotContain("cohort_");
  }

  /**
   * Tests that the node's heap and CPU reach the coordinator and show in /metrics and /cluster with
   * when it joined and what it ran.
   */
  @Test
  void showsTheNodesFigures() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Optional<Double> heap = Optional.empty();
    String text = "";
    while (heap.isEmpty() && System.nanoTime() < deadline) {
      text = metrics();
      heap =
          Pattern.compile(
                  "^cohort_node_heap_used_bytes\\{node=\"[^\"]+\"\\} (\\S+)$", Pattern.MULTILINE)
              .matcher(text)
              .results()
              .map(match -> Double.parseDouble(match.group(1)))
              .findFirst();
      if (heap.isEmpty()) {
        Thread.sleep(20);
      }
    }
    assertThat(heap).as(text).isPresent();
    assertThat(heap.get()).isPositive();
    assertThat(text).contains("cohort_node_slots{node=");
    assertThat(text).contains("cohort_node_joined_timestamp_seconds{node=");

    HttpResponse<String> cluster = send("GET", "/cluster", null, true);
    ClusterStatus status = JSON.readValue(cluster.body(), ClusterStatus.class);
    NodeStatus node = status.nodes().get(0);
    assertThat(node.heapUsedBytes()).isPositive();
    assertThat(node.joinedAt()).isNotNull();
    assertThat(status.departed()).isEmpty();
  }
}
