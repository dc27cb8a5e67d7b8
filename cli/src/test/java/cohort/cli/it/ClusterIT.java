package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ApiJson;
import cohort.api.JobOutcome;
import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.cli.local.JvmProcess;
import cohort.client.CohortClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real coordinator and two node JVMs on loopback, driven through the HTTP API and the CLI. */
class ClusterIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(2, false);

  private final ObjectMapper json = ApiJson.newMapper();

  private static JobRequest range(String task, String range, Integer split, Boolean ordered) {
    return JobRequest.range(task, range).withSplit(split).withOrdered(ordered);
  }

  /** Tests that 10,000 echo inputs come back once each, in input order, across two nodes. */
  @Test
  void echoReturnsEveryIndexOnceInOrder() {
    CohortClient client = CLUSTER.client();
    JobStatus job = client.submit(range("echo", "0..10000", null, null));
    long expected = 0;
    try (Stream<Result> results = client.results(job.id())) {
      for (Iterator<Result> it = results.iterator(); it.hasNext(); ) {
        Result result = it.next();
        assertThat(result.index()).isEqualTo(expected);
        assertThat(result.input().longValue()).isEqualTo(expected);
        assertThat(result.output().longValue()).isEqualTo(expected);
        expected++;
      }
    }
    assertThat(expected).isEqualTo(10_000);
    JobStatus end = client.status(job.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(end.succeeded()).isEqualTo(10_000);
  }

  /** Tests the documents' CPU-bound example: sum-range over 0..10^9 in 64 parts. */
  @Test
  void sumRangeOfABillion() {
    CohortClient client = CLUSTER.client();
    JobStatus job = client.submit(range("sum-range", "0..1000000000", 64, null));
    try (Stream<Result> results = client.results(job.id())) {
      assertThat(results.count()).isEqualTo(64);
    }
    JobStatus end = client.status(job.id());
    assertThat(end.state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(end.combine()).isEqualTo("sum");
    assertThat(end.combined().bigIntegerValue()).hasToString("499999999500000000");
  }

  /** Tests that a node started while a job runs receives that job's inputs. */
  @Test
  void nodeStartedMidJobReceivesTasks() {
    CohortClient client = CLUSTER.client();
    List<JsonNode> inputs = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      inputs.add(LongNode.valueOf(50));
    }
    JobStatus job = client.submit(JobRequest.of("where", inputs).withOrdered(false));
    Set<Long> seen = new HashSet<>();
    String newcomer = null;
    try (Stream<Result> results = client.results(job.id())) {
      Iterator<Result> it = results.iterator();
      Result first = it.next();
      seen.add(first.index());
      JvmProcess node = CLUSTER.cluster().launchNode(1);
      newcomer = node.awaitReady(Duration.ofSeconds(60)).get("node");
      while (it.hasNext()) {
        Result result = it.next();
        assertThat(seen.add(result.index())).as("index %d once", result.index()).isTrue();
        if (newcomer.equals(result.output().textValue())) {
          break;
        }
      }
      assertThat(it.hasNext()).as("a result came from the new node %s", newcomer).isTrue();
    } finally {
      client.cancel(job.id());
    }
  }

  /** Tests that the HTTP API refuses malformed jobs with 400 and a JSON error saying why. */
  @Test
  void httpRefusesMalformedJobs() throws Exception {
    assertError(post("{\"task\": \"echo\", \"inputs\": [1,"), 400, "not a valid job");
    assertError(post("{\"task\": \"echo\", \"inptus\": [1]}"), 400, "unknown field 'inptus'");
    assertError(post("{\"task\": \"echo\"}"), 400, "no inputs");
    assertError(
        post("{\"task\": \"echo\", \"inputs\": [1], \"range\": \"0..2\"}"), 400, "not several");
    assertError(post("{\"task\": \"echo\", \"range\": \"0..x\"}"), 400, "A..B");
    assertError(
        post("{\"task\": \"thumbnial\", \"inputs\": [1]}"),
        400,
        "unknown task 'thumbnial'; known tasks: broadcast-check, counting, echo, flaky, poison,"
            + " sleep, slots, stubborn, sum-range, thumbnail, where");
    assertError(
        post("{\"task\": \"sleep\", \"params\": {\"ms\": 1}, \"inputs\": [1]}"),
        400,
        "unknown parameter 'ms'");
    assertError(
        post("{\"task\": \"exec\", \"params\": {\"command\": [\"ls\"]}, \"inputs\": [\"/\"]}"),
        400,
        "task 'exec' is off on every node: this node does not run commands: start it with"
            + " --allow-exec");
    assertError(post(""), 400, "the body is empty");
    assertError(send(HttpRequest.newBuilder(uri("/jobs/nope")).GET()), 404, "no job 'nope'");
    assertError(
        send(HttpRequest.newBuilder(uri("/jobs/nope/results")).GET()), 404, "no job 'nope'");
    assertError(send(HttpRequest.newBuilder(uri("/nowhere")).GET()), 404, "no endpoint");
    assertError(
        send(HttpRequest.newBuilder(uri("/jobs")).PUT(HttpRequest.BodyPublishers.noBody())),
        405,
        "method not allowed");
  }

  /**
   * Tests that a waited submission answers with the results, or with the status when the wait runs
   * out.
   */
  @Test
  void waitedSubmissionAnswersWithResults() throws Exception {
    HttpResponse<String> done =
        post("/jobs?wait=10s", "{\"task\": \"echo\", \"inputs\": [1, \"a\"]}");
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    JsonNode outcome = json.readTree(done.body());
    assertThat(outcome.get("job").get("state").textValue()).isEqualTo("SUCCEEDED");
    assertThat(outcome.get("results").toString())
        .isEqualTo(
            "[{\"index\":0,\"input\":1,\"output\":1},"
                + "{\"index\":1,\"input\":\"a\",\"output\":\"a\"}]");

    HttpResponse<String> early =
        post("/jobs?wait=200ms", "{\"task\": \"sleep\", \"inputs\": [1500]}");
    assertThat(early.statusCode()).as(early.body()).isEqualTo(202);
    JsonNode running = json.readTree(early.body());
    assertThat(running.has("results")).isFalse();
    String id = running.get("job").get("id").textValue();
    assertThat(early.headers().firstValue("Location")).hasValue("/jobs/" + id);
    CohortClient client = CohortClient.connect(URI.create(CLUSTER.cluster().url()));
    try (Stream<Result> results = client.results(id)) {
      assertThat(results.map(r -> r.output().longValue()).toList()).containsExactly(1500L);
    }

    assertError(
        post("/jobs?wait=soon", "{\"task\": \"echo\", \"inputs\": [1]}"),
        400,
        "wait 'soon' is not a duration");
    assertError(post("/jobs?wait=2h", "{\"task\": \"echo\", \"inputs\": [1]}"), 400, "at most 60m");

    JobOutcome sum = client.run(range("sum-range", "0..1000000", 4, null));
    assertThat(sum.job().combined().longValue()).isEqualTo(499999500000L);
    assertThat(sum.results()).hasSize(4);
    // More results than a waited answer holds: the client reads the rest from the stream.
    JobOutcome many = client.run(range("echo", "0..25000", null, null));
    assertThat(many.job().state()).isEqualTo(JobStatus.State.SUCCEEDED);
    assertThat(many.results()).hasSize(25000);
    assertThat(many.results().get(24999).index()).isEqualTo(24999);
  }

  /** Tests the read-only endpoints: cluster, tasks and the job list. */
  @Test
  void httpDescribesTheCluster() throws Exception {
    HttpResponse<String> cluster = send(HttpRequest.newBuilder(uri("/cluster")).GET());
    assertThat(cluster.statusCode()).isEqualTo(200);
    JsonNode body = json.readTree(cluster.body());
    assertThat(body.get("nodes").size()).isGreaterThanOrEqualTo(2);
    assertThat(body.get("slots").intValue()).isGreaterThanOrEqualTo(2);
    HttpResponse<String> tasks = send(HttpRequest.newBuilder(uri("/tasks")).GET());
    assertThat(tasks.body()).contains("\"name\":\"sum-range\"").contains("\"combiner\":\"sum\"");
    HttpResponse<String> jobs = send(HttpRequest.newBuilder(uri("/jobs")).GET());
    assertThat(jobs.statusCode()).isEqualTo(200);
    assertThat(json.readTree(jobs.body()).isArray()).isTrue();
  }

  /** Tests the CLI's exit codes: 0 all succeeded, 1 some failed, 2 usage or connection errors. */
  @Test
  void cliExitCodes() {
    String url = CLUSTER.cluster().url();
    Cli.Run ok =
        Cli.run("submit", "echo", "1", "2", "x", "--combine", "count", "--coordinator", url);
    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    assertThat(ok.stdout())
        .containsExactly(
            "{\"index\":0,\"input\":1,\"output\":1}",
            "{\"index\":1,\"input\":2,\"output\":2}",
            "{\"index\":2,\"input\":\"x\",\"output\":\"x\"}",
            "3");

    Cli.Run someFailed = Cli.run("submit", "sleep", "1", "abc", "--coordinator", url);
    assertThat(someFailed.exitCode()).as(someFailed.stderr()).isEqualTo(1);
    assertThat(someFailed.stdout().get(1)).contains("\"error\":{\"type\":\"cohort.InputError\"");
    assertThat(someFailed.stderr()).contains("FAILED: 1 succeeded, 1 failed");

    Cli.Run unknownTask = Cli.run("submit", "nosuch", "1", "--coordinator", url);
    assertThat(unknownTask.exitCode()).isEqualTo(2);
    assertThat(unknownTask.stderr())
        .contains("unknown task 'nosuch'; known tasks: ")
        .contains(", echo, ");

    Cli.Run unreachable = Cli.run("submit", "echo", "1", "--coordinator", "http://127.0.0.1:1");
    assertThat(unreachable.exitCode()).isEqualTo(2);
    assertThat(unreachable.stderr()).contains("cannot reach the coordinator at http://127.0.0.1:1");

    Cli.Run usage = Cli.run("submit", "echo", "--coordinator", url);
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.stderr()).contains("give the inputs");

    Cli.Run nodes = Cli.run("nodes", "--coordinator", url);
    assertThat(nodes.exitCode()).isZero();
    assertThat(String.join("\n", nodes.stdout())).contains("UP").contains("slots");
  }

  /**
   * Tests that a submit whose upload of its input file breaks says so, and why, with exit code 2:
   * the coordinator refusing a line over the input size limit (it cancels the job and cuts the
   * upload off, often before the CLI has read its answer), and a line that is not UTF-8.
   */
  @Test
  void aBrokenUploadSaysWhy(@TempDir Path dir) throws Exception {
    String url = CLUSTER.cluster().url();
    Path tooLong = dir.resolve("too-long.txt");
    Files.writeString(
        tooLong, lines("line-", 10) + "x".repeat(300 * 1024) + "\n" + lines("after-", 100_000));
    Cli.Run refused =
        Cli.run("submit", "echo", "--input-file", tooLong.toString(), "--coordinator", url);
    assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(2);
    String id = refused.jobId();
    assertThat(refused.stderr())
        .contains(
            "cohort: the upload of the inputs of job "
                + id
                + " broke: input line 11 is about 300 KiB; an input may have at most 192 KiB");
    assertThat(CLUSTER.client().status(id).state()).isEqualTo(JobStatus.State.CANCELLED);

    Path latin1 = dir.resolve("latin1.txt");
    Files.write(
        latin1,
        (lines("line-", 1000) + "caf\u00e9\n" + lines("after-", 1000))
            .getBytes(StandardCharsets.ISO_8859_1));
    Cli.Run unreadable =
        Cli.run("submit", "echo", "--input-file", latin1.toString(), "--coordinator", url);
    assertThat(unreadable.exitCode()).as(unreadable.stderr()).isEqualTo(2);
    assertThat(unreadable.stderr())
        .contains(
            "cohort: the upload of the inputs of job "
                + unreadable.jobId()
                + " broke: cannot read --input-file "
                + latin1
                + ": line 1001 is not UTF-8 text; convert it to UTF-8");
  }

  /** Lines {@code prefix0} to {@code prefix(count-1)}, each ended by a newline. */
  private static String lines(String prefix, int count) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < count; i++) {
      lines.append(prefix).append(i).append('\n');
    }
    return lines.toString();
  }

  /**
   * Tests the job commands a user follows a detached job with, finding the coordinator through
   * {@code $COHORT_COORDINATOR} alone.
   */
  @Test
  void jobCommandsFindTheCoordinatorInTheEnvironment() throws Exception {
    Map<String, String> env = Map.of("COHORT_COORDINATOR", CLUSTER.cluster().url());
    Cli.Run submitted = Cli.run(env, "submit", "sleep", "60000", "60000", "60000", "--detach");
    assertThat(submitted.exitCode()).as(submitted.stderr()).isZero();
    String id = submitted.lastLine();
    assertThat(submitted.stderr()).contains("follow it with: cohort status " + id);

    Cli.Run one = Cli.run(env, "status", id);
    assertThat(one.exitCode()).as(one.stderr()).isZero();
    JsonNode status = json.readTree(String.join("\n", one.stdout()));
    assertThat(status.get("id").asText()).isEqualTo(id);
    assertThat(status.get("state").asText()).isIn("PENDING", "RUNNING");
    assertThat(status.get("total").asInt()).isEqualTo(3);

    Cli.Run all = Cli.run(env, "status");
    assertThat(all.exitCode()).as(all.stderr()).isZero();
    assertThat(all.stdout().get(0)).startsWith("ID").contains("STATE");
    assertThat(all.stdout())
        .anySatisfy(line -> assertThat(line).startsWith(id + " ").contains("sleep"));

    Cli.Run cancelled = Cli.run(env, "cancel", id);
    assertThat(cancelled.exitCode()).as(cancelled.stderr()).isZero();
    assertThat(json.readTree(String.join("\n", cancelled.stdout())).get("state").asText())
        .isEqualTo("CANCELLED");
    Jobs.awaitCluster(
        CLUSTER.client(),
        cluster -> cluster.busySlots() == 0,
        Duration.ofSeconds(10),
        "every slot free after the cancel");

    Cli.Run tasks = Cli.run(env, "tasks");
    assertThat(tasks.exitCode()).as(tasks.stderr()).isZero();
    assertThat(String.join("\n", tasks.stdout()))
        .contains("echo")
        .contains("sleep")
        .contains("sum-range");

    Cli.Run unknown = Cli.run(env, "status", "no-such-job");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("no-such-job");

    Cli.Run detachedAlone = Cli.run("submit", "echo", "1", "--detach");
    assertThat(detachedAlone.exitCode()).isEqualTo(2);
    assertThat(detachedAlone.stderr()).contains("--detach needs a running coordinator");
  }

  /** Tests that submit without a coordinator runs the job on a cluster inside its own JVM. */
  @Test
  void submitWithoutCoordinatorRunsEmbedded() {
    Cli.Run run = Cli.run("submit", "sum-range", "--range", "0..1000000000", "--split", "64", "-q");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).containsExactly("499999999500000000");
  }

  private HttpResponse<String> post(String body) throws Exception {
    return post("/jobs", body);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static URI uri(String path) {
    return URI.create(CLUSTER.cluster().url() + path);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            request
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", CLUSTER.cluster().token().header())
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private void assertError(HttpResponse<String> response, int status, String message)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    Map<String, String> body =
        json.readValue(
            response.body(),
            json.getTypeFactory().constructMapType(Map.class, String.class, String.class));
    assertThat(body.get("error")).contains(message);
  }
}
