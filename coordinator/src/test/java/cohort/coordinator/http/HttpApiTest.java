package cohort.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ApiJson;
import cohort.api.ResultFrames;
import cohort.coordinator.CoordinatorApp;
import cohort.coordinator.CoordinatorSettings;
import cohort.node.NodeApp;
import cohort.node.TaskRegistry;
import cohort.protocol.CoordinatorProtocol;
import cohort.task.FileRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of the HTTP API and every error it answers with, against a real coordinator and a
 * real node in this JVM, over a real socket on a port the server picked.
 */
class HttpApiTest {

  private static final ObjectMapper JSON = ApiJson.newMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Removed by JUnit after the actor systems stopped ({@code @AfterAll} runs first). */
  @TempDir static Path dataDir;

  private static ActorSystem<Void> cluster;
  private static ActorSystem<Void> empty;
  private static String url;
  private static String emptyUrl;

  @BeforeAll
  static void start() throws Exception {
    cluster = system(dataDir.resolve("cluster"), List.of("coordinator", "node"));
    CoordinatorSettings settings =
        CoordinatorSettings.fromConfig(config(dataDir.resolve("cluster"), List.of()));
    var started = CoordinatorApp.init(cluster, settings);
    var registered =
        NodeApp.init(
            cluster,
            TaskRegistry.load(HttpApiTest.class.getClassLoader(), cohort.node.ExecAllowance.NONE),
            2,
            Duration.ZERO);
    url = started.toCompletableFuture().get(30, TimeUnit.SECONDS).httpUrl();
    registered.toCompletableFuture().get(30, TimeUnit.SECONDS);

    empty = system(dataDir.resolve("empty"), List.of("coordinator"));
    emptyUrl =
        CoordinatorApp.init(
                empty, CoordinatorSettings.fromConfig(config(dataDir.resolve("empty"), List.of())))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS)
            .httpUrl();
  }

  private static Config config(Path data, List<String> roles) {
    return CoordinatorApp.loadConfig(
        Map.of(
            "cohort.coordinator.cluster-port",
            0,
            "cohort.coordinator.http-port",
            0,
            "cohort.coordinator.data-dir",
            data.toString(),
            "cohort.coordinator.token",
            TOKEN,
            "pekko.cluster.roles",
            roles));
  }

  private static ActorSystem<Void> system(Path data, List<String> roles) {
    Config config = config(data, roles);
    return ActorSystem.create(
        Behaviors.empty(),
        CoordinatorProtocol.SYSTEM_NAME,
        CoordinatorApp.clusterConfig(CoordinatorSettings.fromConfig(config), config));
  }

  @AfterAll
  static void stop() throws Exception {
    for (ActorSystem<Void> system : List.of(cluster, empty)) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  /** The API token the test's coordinators check. */
  private static final String TOKEN = "http-api-test-token-0123456789";

  private static HttpResponse<String> send(
      String base, String method, String path, BodyPublisher body)
      throws IOException, InterruptedException {
    return send(base, method, path, body, "Bearer " + TOKEN);
  }

  /** Sends a request with this {@code Authorization} header, or none when null. */
  private static HttpResponse<String> send(
      String base, String method, String path, BodyPublisher body, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, body);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), BodyHandlers.ofString());
  }

  /**
   * Tests that every route but {@code /health} answers 401 as JSON, saying where the token is, to a
   * request without the token or with another; that the node token opens only the blob route.
   */
  @Test
  void everyRouteButHealthNeedsTheToken() throws Exception {
    String job = submit("{\"task\":\"echo\",\"inputs\":[1]}");
    String[][] routes = {
      {"POST", "/jobs"},
      {"POST", "/jobs?wait=5s"},
      {"GET", "/jobs"},
      {"GET", "/jobs/" + job},
      {"DELETE", "/jobs/" + job},
      {"GET", "/jobs/" + job + "/results"},
      {"POST", "/jobs/" + job + "/inputs"},
      {"POST", "/jobs/" + job + "/blobs"},
      {"GET", "/jobs/" + job + "/blobs"},
      {"GET", "/blobs/" + job + "/0"},
      {"PUT", "/blobs/" + job + "/c0"},
      {"GET", "/cluster"},
      {"GET", "/tasks"},
      {"GET", "/metrics"},
      {"PUT", "/code/" + "ab".repeat(32)},
      {"GET", "/code/" + "ab".repeat(32)},
      {"POST", "/deployments"},
      {"GET", "/deployments"},
      {"GET", "/no-such-route"},
      {"GET", "/jobs/no-such-job"}
    };
    String nodeToken = cohort.api.security.Token.of(TOKEN, "test").forNodes().value();
    for (String[] route : routes) {
      for (String authorization :
          new String[] {
            null, "Bearer wrong-token-0123456789", "Basic " + TOKEN, "Bearer " + nodeToken
          }) {
        if (authorization != null
            && authorization.endsWith(nodeToken)
            && route[0].equals("GET")
            && (route[1].startsWith("/blobs/") || route[1].startsWith("/code/"))) {
          continue; // what nodes fetch: tested below
        }
        HttpResponse<String> refused =
            send(url, route[0], route[1], BodyPublishers.ofString("{}"), authorization);
        assertError(refused, 401, authorization == null ? "has no token" : "token is wrong");
        assertThat(json(refused).get("error").textValue()).contains("Authorization: Bearer");
        assertThat(refused.headers().firstValue("WWW-Authenticate"))
            .contains("Bearer realm=\"cohort\"");
      }
    }
    HttpResponse<String> health = send(url, "GET", "/health", BodyPublishers.noBody(), null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).doesNotContain(job);
    HttpResponse<String> blob =
        send(url, "GET", "/blobs/" + job + "/0", BodyPublishers.noBody(), "Bearer " + nodeToken);
    assertError(blob, 404, "");
    HttpResponse<String> jar =
        send(
            url, "GET", "/code/" + "ab".repeat(32), BodyPublishers.noBody(), "Bearer " + nodeToken);
    assertError(jar, 404, "upload it with PUT /code/");
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return send(url, "GET", path, BodyPublishers.noBody());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return send(url, "POST", path, BodyPublishers.ofString(body));
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  /** Asserts a JSON error with this status whose message contains {@code text}. */
  private static void assertError(HttpResponse<String> response, int status, String text)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(json(response).get("error").textValue()).contains(text);
  }

  private static String submit(String body) throws Exception {
    HttpResponse<String> created = post("/jobs", body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).get("id").textValue();
    assertThat(created.headers().firstValue("Location")).contains("/jobs/" + id);
    return id;
  }

  /** The job's status once it ended: its results stream ends when the job does. */
  private static JsonNode awaitEnd(String id) throws Exception {
    assertThat(get("/jobs/" + id + "/results").statusCode()).isEqualTo(200);
    return json(get("/jobs/" + id));
  }

  /** Tests submit, status, list, results and cancel of a job with its inputs in the request. */
  @Test
  void jobRoutes() throws Exception {
    String id = submit("{\"task\":\"echo\",\"inputs\":[1,\"a\"]}");
    JsonNode done = awaitEnd(id);
    assertThat(done.get("state").textValue()).isEqualTo("SUCCEEDED");
    assertThat(done.get("succeeded").longValue()).isEqualTo(2);

    HttpResponse<String> results = get("/jobs/" + id + "/results");
    assertThat(results.statusCode()).isEqualTo(200);
    assertThat(results.headers().firstValue("Content-Type")).contains("application/x-ndjson");
    assertThat(results.body())
        .isEqualTo(
            "{\"index\":0,\"input\":1,\"output\":1}\n"
                + "{\"index\":1,\"input\":\"a\",\"output\":\"a\"}\n");

    assertThat(json(get("/jobs")).findValuesAsText("id")).contains(id);
    HttpResponse<String> cancelled = send(url, "DELETE", "/jobs/" + id, BodyPublishers.noBody());
    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(json(cancelled).get("state").textValue()).isEqualTo("SUCCEEDED");

    assertError(get("/jobs/nope"), 404, "no job 'nope'; GET /jobs lists the jobs");
    assertError(get("/jobs/nope/results"), 404, "no job 'nope'");
    assertError(send(url, "DELETE", "/jobs/nope", BodyPublishers.noBody()), 404, "no job 'nope'");
  }

  /**
   * Tests that {@code ?from=N} leaves out the first N results, that an N that is not a count is
   * refused with what is wrong, and that {@code GET /health} says the coordinator serves and which
   * incarnation it is.
   */
  @Test
  void resultsFromAnIndexAndHealth() throws Exception {
    String id = submit("{\"task\":\"echo\",\"inputs\":[1,2,3]}");
    awaitEnd(id);
    assertThat(get("/jobs/" + id + "/results?from=2").body())
        .isEqualTo("{\"index\":2,\"input\":3,\"output\":3}\n");
    assertThat(get("/jobs/" + id + "/results?from=3").body()).isEmpty();
    assertError(
        get("/jobs/" + id + "/results?from=-1"),
        400,
        "'from' must be how many results to leave out, 0 or more; it was '-1'");
    JsonNode health = json(get("/health"));
    assertThat(health.get("status").textValue()).isEqualTo("up");
    assertThat(health.get("role").textValue()).isEqualTo("active");
    assertThat(health.get("incarnation").textValue()).isNotBlank();
  }

  /**
   * Tests that results come as compact frames to a client that asks for them, the same results as
   * the JSON lines, failures, big numbers and decimals included.
   */
  @Test
  void resultFramesAndLinesAgree() throws Exception {
    String id =
        submit(
            "{\"task\":\"echo\",\"inputs\":[1,\"ünï\",123456789012345678901234567890,0.10,null,{\"a\":[1,2]}]}");
    String lines = get("/jobs/" + id + "/results").body();
    HttpRequest framed =
        HttpRequest.newBuilder(URI.create(url + "/jobs/" + id + "/results"))
            .header("Accept", ResultFrames.MEDIA_TYPE)
            .header("Authorization", "Bearer " + TOKEN)
            .build();
    HttpResponse<byte[]> frames = HTTP.send(framed, BodyHandlers.ofByteArray());
    assertThat(frames.headers().firstValue("Content-Type")).contains(ResultFrames.MEDIA_TYPE);
    List<String> decoded = new java.util.ArrayList<>();
    ResultFrames.read(new java.io.ByteArrayInputStream(frames.body()))
        .forEachRemaining(result -> decoded.add(toJson(result)));
    assertThat(String.join("\n", decoded) + "\n").isEqualTo(lines);
    assertThat(lines).contains("\"input\":0.10,\"output\":0.10");
    assertThat(lines).contains("123456789012345678901234567890");

    String failing = submit("{\"task\":\"sum-range\",\"inputs\":[{\"start\":0,\"end\":3},\"x\"]}");
    String failed = get("/jobs/" + failing + "/results").body();
    assertThat(failed).contains("\"error\":{\"type\":\"cohort.InputError\"");
    HttpRequest framedFailure =
        HttpRequest.newBuilder(URI.create(url + "/jobs/" + failing + "/results"))
            .header("Accept", ResultFrames.MEDIA_TYPE)
            .header("Authorization", "Bearer " + TOKEN)
            .build();
    List<String> failures = new java.util.ArrayList<>();
    ResultFrames.read(
            new java.io.ByteArrayInputStream(
                HTTP.send(framedFailure, BodyHandlers.ofByteArray()).body()))
        .forEachRemaining(result -> failures.add(toJson(result)));
    assertThat(String.join("\n", failures) + "\n").isEqualTo(failed);
  }

  private static String toJson(cohort.api.Result result) {
    try {
      return JSON.writeValueAsString(result);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Tests a cancel of a running job: it ends CANCELLED at once. */
  @Test
  void cancelStopsARunningJob() throws Exception {
    String id = submit("{\"task\":\"sleep\",\"inputs\":[60000]}");
    HttpResponse<String> cancelled = send(url, "DELETE", "/jobs/" + id, BodyPublishers.noBody());
    assertThat(json(cancelled).get("state").textValue()).isEqualTo("CANCELLED");
    assertThat(json(cancelled).get("message").textValue()).isEqualTo("cancelled on request");
  }

  /** Tests a waited submission: the results inline, or the status alone once the wait runs out. */
  @Test
  void waitedSubmissions() throws Exception {
    HttpResponse<String> done = post("/jobs?wait=20s", "{\"task\":\"echo\",\"inputs\":[7]}");
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(json(done).get("job").get("state").textValue()).isEqualTo("SUCCEEDED");
    assertThat(json(done).get("results").get(0).get("output").intValue()).isEqualTo(7);

    HttpResponse<String> early = post("/jobs?wait=300ms", "{\"task\":\"sleep\",\"inputs\":[3000]}");
    assertThat(early.statusCode()).isEqualTo(202);
    assertThat(json(early).get("job").get("state").textValue()).isIn("PENDING", "RUNNING");
    assertThat(json(early).has("results")).isFalse();
    assertThat(early.headers().firstValue("Location"))
        .contains("/jobs/" + json(early).get("job").get("id").textValue());
  }

  /** Tests every way a submission is refused, each with the status and message it gets. */
  @Test
  void submissionErrors() throws Exception {
    assertError(post("/jobs", ""), 400, "the body is empty");
    assertError(post("/jobs", "{not json"), 400, "the body is not a valid job");
    assertError(post("/jobs", "null"), 400, "the body is empty");
    assertError(post("/jobs?wait=1s", "null"), 400, "the body is empty");
    assertError(
        post("/jobs", "{\"task\":\"echo\",\"inputs\":[1],\"code\":{\"jars\":[\"abc\"]}}"),
        400,
        "'abc' is not a SHA-256 digest");
    assertError(
        post(
            "/jobs",
            "{\"task\":\"echo\",\"inputs\":[1],\"code\":{\"jars\":[\"" + "ab".repeat(32) + "\"]}}"),
        404,
        "upload it with PUT /code/");
    assertError(post("/jobs", "{\"task\":\"echo\",\"inputz\":[1]}"), 400, "unknown field 'inputz'");
    assertError(post("/jobs", "{\"task\":\"echo\"}"), 400, "the job has no inputs");
    assertError(post("/jobs", "{\"inputs\":[1]}"), 400, "the job has no 'task'");
    assertError(
        post("/jobs", "{\"task\":\"thumbnial\",\"inputs\":[1]}"), 400, "unknown task 'thumbnial'");
    assertError(
        post("/jobs", "{\"task\":\"echo\",\"inputs\":[1],\"params\":{\"x\":1}}"), 400, "'x'");
    assertError(
        post("/jobs", "{\"task\":\"echo\",\"inputs\":[1],\"taskTimeout\":\"soon\"}"),
        400,
        "'taskTimeout' 'soon' is not a duration");
    assertError(post("/jobs?wait=soon", "{\"task\":\"echo\",\"inputs\":[1]}"), 400, "wait 'soon'");
    assertError(post("/jobs?wait=2h", "{\"task\":\"echo\",\"inputs\":[1]}"), 400, "at most 60m");
    assertError(
        post("/jobs?wait=5s", "{\"task\":\"echo\",\"stream\":true}"),
        400,
        "wait needs the job's inputs in the request");
    assertError(
        send(
            emptyUrl,
            "POST",
            "/jobs",
            BodyPublishers.ofString("{\"task\":\"echo\",\"inputs\":[1]}")),
        503,
        "no node has joined the cluster yet");
  }

  /** Tests streamed inputs: admitted in order, closed, then refused; a bad line cancels the job. */
  @Test
  void streamedInputs() throws Exception {
    String id = submit("{\"task\":\"echo\",\"stream\":true}");
    HttpResponse<String> sent = post("/jobs/" + id + "/inputs", "1\n\"two\"\n\n{\"three\":3}\n");
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
    assertThat(json(sent).get("inputs").longValue()).isEqualTo(3);
    assertThat(awaitEnd(id).get("succeeded").longValue()).isEqualTo(3);
    assertError(post("/jobs/" + id + "/inputs", "4\n"), 409, "it takes no more inputs");

    String listed = submit("{\"task\":\"sleep\",\"inputs\":[1]}");
    assertError(post("/jobs/" + listed + "/inputs", "1\n"), 409, "only a job created with");
    assertError(post("/jobs/nope/inputs", "1\n"), 404, "no job 'nope'");

    String broken = submit("{\"task\":\"echo\",\"stream\":true}");
    assertError(post("/jobs/" + broken + "/inputs", "1\n{oops\n"), 400, "input line 2 is not JSON");
    JsonNode cancelled = awaitEnd(broken);
    assertThat(cancelled.get("state").textValue()).isEqualTo("CANCELLED");
    assertThat(cancelled.get("message").textValue()).contains("input line 2 is not JSON");
  }

  /** Tests blobs: stored for a job, served to nodes, and the errors of both routes. */
  @Test
  void blobs() throws Exception {
    String id = submit("{\"task\":\"echo\",\"stream\":true}");
    HttpResponse<String> stored = post("/jobs/" + id + "/blobs", "the bytes");
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
    String blob = json(stored).get("blob").textValue();
    assertThat(json(stored).get("size").longValue()).isEqualTo(9);
    assertThat(get("/blobs/" + blob).body()).isEqualTo("the bytes");

    assertError(get("/blobs/" + id + "/999"), 404, "is gone");
    assertError(get("/blobs/NOPE/1"), 404, "is not a blob id");
    assertError(get("/jobs/" + id + "/blobs?wait=x"), 400, "wait");
    assertError(post("/jobs/nope/blobs", "x"), 404, "no job 'nope'");
    // The server answers a body it will not take from its declared length alone, so the request
    // goes out by hand, headers only: a client writing 64 MiB would race the early answer.
    String tooLarge = headersOnly("/jobs/" + id + "/blobs", FileRef.MAX_BLOB_BYTES + 1);
    assertThat(tooLarge).startsWith("HTTP/1.1 413 ").contains("application/json");
    assertThat(tooLarge).contains("a file sent through the cluster may have at most 64 MiB");

    send(url, "DELETE", "/jobs/" + id, BodyPublishers.noBody());
    assertError(post("/jobs/" + id + "/blobs", "x"), 409, "it takes no more files");
  }

  /** Sends a POST's headers declaring {@code length} bytes, none of them; returns the answer. */
  private static String headersOnly(String path, long length) throws IOException {
    return raw(
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
            + "Authorization: Bearer "
            + TOKEN
            + "\r\nContent-Length: "
            + length
            + "\r\n\r\n");
  }

  /**
   * Sends a request's text as it is, and returns the answer up to the end of its JSON error. A
   * server that refuses a request may close the connection as it answers; what came before counts.
   */
  private static String raw(String request) throws IOException {
    URI base = URI.create(url);
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
          answer.write(buffer, 0, n);
          if (answer.toString(StandardCharsets.UTF_8).contains("}")) {
            break; // the whole JSON error is in
          }
        }
      } catch (SocketException e) {
        if (answer.size() == 0) {
          throw e;
        }
      }
      return answer.toString(StandardCharsets.UTF_8);
    }
  }

  /** Asserts a 400 whose message names the field, what it got and what it takes, in plain words. */
  private static void assertFieldError(String body, String message) throws Exception {
    HttpResponse<String> refused = post("/jobs", body);
    assertError(refused, 400, message);
    assertThat(json(refused).get("error").textValue())
        .doesNotContain("java.", "cohort.", "`", "Cannot deserialize", "JsonNode");
  }

  /**
   * Tests that a value of the wrong type is refused, never coerced, with a message that names the
   * field, what it got and what it takes.
   */
  @Test
  void wrongTypesAreRefusedInPlainWords() throws Exception {
    assertFieldError(
        "{\"task\":\"echo\",\"inputs\":5}",
        "'inputs' is 5; it takes a list of JSON values, such as [1,2,3]");
    assertFieldError(
        "{\"task\":\"echo\",\"inputs\":[1],\"batch\":\"3\"}",
        "'batch' is the string \"3\"; it takes a whole number of inputs per dispatch");
    assertFieldError(
        "{\"task\":\"echo\",\"inputs\":[1],\"batch\":1.5}",
        "'batch' is 1.5; it takes a whole number of inputs per dispatch");
    assertFieldError(
        "{\"task\":\"echo\",\"inputs\":[1],\"batch\":0}",
        "'batch' is 0; it takes a whole number of inputs per dispatch, 1 or more");
    assertFieldError(
        "{\"task\":\"echo\",\"inputs\":[1],\"batch\":99999999999}",
        "'batch' is 99999999999; it takes a whole number of inputs per dispatch");
    assertFieldError(
        "{\"task\":\"echo\",\"inputs\":[1],\"ordered\":1}",
        "'ordered' is 1; it takes true or false");
    assertFieldError("{\"task\":5,\"inputs\":[1]}", "'task' is 5; it takes a task's name");
    assertFieldError(
        "{\"task\":\"sum-range\",\"range\":\"0..10\",\"split\":\"2\"}",
        "'split' is the string \"2\"; it takes a whole number of parts");
    assertFieldError(
        "{\"task\":\"echo\",\"inputs\":[1],\"params\":[1]}",
        "'params' is a list [1]; it takes an object of parameter values by name");
    assertFieldError("[1,2]", "the body is a list; send one JSON object");
    assertFieldError(
        "{\"task\":\"echo\",\"inputs\":[1]} {}", "the body goes on after the job's closing }");
    assertFieldError("{\"task\":\"echo\",", "the body is not a valid job");
  }

  /** Tests that a body over the size limit gets 413 as JSON, not the HTTP server's plain text. */
  @Test
  void tooLargeBodyIsJson() throws Exception {
    String tooLarge = headersOnly("/jobs", 64L * 1024 * 1024 + 1);
    assertThat(tooLarge).startsWith("HTTP/1.1 413 ").contains("application/json");
    assertThat(tooLarge).contains("the body is larger than 64 MiB");
  }

  /** Tests that a request the HTTP server cannot parse gets a JSON error too. */
  @Test
  void malformedRequestsGetJson() throws Exception {
    String answer = raw("POST /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: lots\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400 ").contains("application/json");
    assertThat(answer).contains("{\"error\":\"the request is not valid HTTP: ");
    String badQuery = raw("GET /jobs?wait=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assertThat(badQuery).startsWith("HTTP/1.1 400 ").contains("application/json");
  }

  /** Tests that a line over the input limit names its line and the documented 192 KiB. */
  @Test
  void tooLongInputLineNamesTheLimit() throws Exception {
    String id = submit("{\"task\":\"echo\",\"stream\":true}");
    String line = "\"" + "x".repeat(800 * 1024) + "\"";
    HttpResponse<String> refused = post("/jobs/" + id + "/inputs", "1\n\n" + line + "\n4\n");
    assertError(refused, 400, "input line 3 is larger than 192 KiB, the most an input may have");
    assertThat(refused.body()).doesNotContain("786432");
    assertThat(awaitEnd(id).get("state").textValue()).isEqualTo("CANCELLED");
  }

  /** Tests that a job whose first inputs do not fit its task is refused, with a hint. */
  @Test
  void inputsThatDoNotFitTheTaskAreRefused() throws Exception {
    int jobs = json(get("/jobs")).size();
    HttpResponse<String> refused =
        post("/jobs", "{\"task\":\"sum-range\",\"range\":\"0..100000000\"}");
    assertError(
        refused, 400, "task 'sum-range' takes object {start: integer, end: integer} inputs, not 0");
    assertThat(json(refused).get("error").textValue()).contains("--split K");
    assertThat(json(get("/jobs")).size()).as("a refused job is not created").isEqualTo(jobs);

    assertError(
        post("/jobs", "{\"task\":\"sleep\",\"inputs\":[\"abc\",\"def\"]}"),
        400,
        "task 'sleep' takes integer inputs, not \"abc\"");
    // One input that does not fit among others that do fails alone, as before.
    String mixed = submit("{\"task\":\"sleep\",\"inputs\":[1,\"abc\"]}");
    assertThat(awaitEnd(mixed).get("failed").longValue()).isEqualTo(1);
    String split = submit("{\"task\":\"sum-range\",\"range\":\"0..1000\",\"split\":4}");
    assertThat(awaitEnd(split).get("combined").longValue()).isEqualTo(499500);
  }

  /** Tests that a streamed job's first inputs are checked as they arrive. */
  @Test
  void streamedInputsThatDoNotFitCancelTheJob() throws Exception {
    String id = submit("{\"task\":\"sum-range\",\"stream\":true}");
    HttpResponse<String> refused = post("/jobs/" + id + "/inputs", "1\n2\n3\n");
    assertError(
        refused, 400, "task 'sum-range' takes object {start: integer, end: integer} inputs, not 1");
    JsonNode cancelled = awaitEnd(id);
    assertThat(cancelled.get("state").textValue()).isEqualTo("CANCELLED");
    assertThat(cancelled.get("succeeded").longValue() + cancelled.get("failed").longValue())
        .isZero();

    String fits = submit("{\"task\":\"sum-range\",\"stream\":true}");
    HttpResponse<String> sent =
        post("/jobs/" + fits + "/inputs", "{\"start\":0,\"end\":10}\n{\"start\":10,\"end\":20}\n");
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
    assertThat(awaitEnd(fits).get("combined").longValue()).isEqualTo(190);
  }

  /** Tests the cluster and task routes. */
  @Test
  void clusterAndTasks() throws Exception {
    JsonNode status = json(get("/cluster"));
    assertThat(status.get("nodes")).hasSize(1);
    assertThat(status.get("slots").intValue()).isEqualTo(2);
    assertThat(status.get("nodes").get(0).get("status").textValue()).isEqualTo("UP");
    assertThat(json(get("/tasks")).findValuesAsText("name")).contains("echo", "sleep", "sum-range");
  }

  /** Tests that an unknown path is 404 and a wrong method 405, both as JSON. */
  @Test
  void unknownPathsAndMethods() throws Exception {
    assertError(get("/nope"), 404, "no endpoint at /nope; the API has /jobs");
    assertError(send(url, "PUT", "/jobs", BodyPublishers.noBody()), 405, "use POST or GET");
    assertError(post("/cluster", ""), 405, "use GET");
  }
}
