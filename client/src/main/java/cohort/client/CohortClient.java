package cohort.client;

import cohort.api.ApiJson;
import cohort.api.ClusterStatus;
import cohort.api.JobOutcome;
import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.api.ResultFrames;
import cohort.api.TaskInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Java client of the coordinator's HTTP API.
 *
 * <pre>{@code
 * CohortClient client = CohortClient.connect(URI.create("http://127.0.0.1:8470"));
 * JobStatus job = client.submit(JobRequest.of("echo", inputs));
 * try (Stream<Result> results = client.results(job.id())) {
 *   results.forEach(System.out::println);
 * }
 * }</pre>
 *
 * Every method throws {@link CohortException} when the coordinator cannot be reached or answers
 * with an error; its message is the coordinator's explanation.
 */
public final class CohortClient implements JobApi {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RUN_WAIT = REQUEST_TIMEOUT.minusSeconds(10);

  private final Coordinators coordinators;
  private final HttpClient http;
  private final ObjectMapper json = ApiJson.newMapper();
  private final CoordinatorErrors errors;
  private final Failover failover;
  private final Credentials credentials;
  private final InputUploads uploads;
  private final CodeApi code;
  private final BroadcastApi broadcasts;
  private final CoordinatorHttp calls;

  private CohortClient(List<URI> bases, Credentials credentials) {
    this.coordinators = new Coordinators(bases);
    this.errors = new CoordinatorErrors(coordinators, json, credentials);
    this.credentials = credentials;
    this.http = HttpsTrust.client(bases, credentials.trustedCa(), CONNECT_TIMEOUT);
    this.failover = new Failover(http, coordinators, errors, REQUEST_TIMEOUT, credentials);
    this.uploads = new InputUploads(http, coordinators, errors, credentials, json);
    this.code = new CodeApi(coordinators, failover, errors, json);
    this.broadcasts = new BroadcastApi(coordinators, failover, errors);
    this.calls = new CoordinatorHttp(coordinators, failover, errors, json, REQUEST_TIMEOUT);
  }

  /** The coordinator's code routes: jars that travel to the nodes, and deployments. */
  public CodeApi code() {
    return code;
  }

  /** The coordinator's broadcast routes: files a job sends to every node once. */
  public BroadcastApi broadcasts() {
    return broadcasts;
  }

  /**
   * A client of the coordinator at {@code base}, such as {@code http://127.0.0.1:8470}, with the
   * token the environment gives ({@link Credentials#fromEnvironment()}). Nothing is sent until the
   * first call.
   *
   * @throws IllegalArgumentException when {@code base} is not an http(s) URL
   */
  public static CohortClient connect(URI base) {
    return connect(List.of(base));
  }

  /** A client of the coordinator at {@code base} that presents {@code credentials}. */
  public static CohortClient connect(URI base, Credentials credentials) {
    return connect(List.of(base), credentials);
  }

  /**
   * A client of coordinators that share a journal (see {@link #connect(List)}), presenting {@code
   * credentials}.
   */
  public static CohortClient connect(List<URI> bases, Credentials credentials) {
    return new CohortClient(Coordinators.checked(bases), credentials);
  }

  /**
   * The token nodes ask of direct calls ({@link cohort.api.security.Token#forNodes()}), derived
   * from this client's; empty when it has none.
   */
  public java.util.Optional<cohort.api.security.Token> nodeToken() {
    return credentials.token().map(cohort.api.security.Token::forNodes);
  }

  /**
   * A client of coordinators that share a journal: the active one and those standing by for it, in
   * any order. It talks to one at a time, tries the next when one cannot be reached, and follows a
   * standby's redirect to the active one.
   *
   * @throws IllegalArgumentException when a URL is not an http URL, or none is given
   */
  public static CohortClient connect(List<URI> bases) {
    return connect(bases, Credentials.fromEnvironment());
  }

  /**
   * Direct calls through this coordinator's nodes: one input at a time straight to a node, for the
   * lowest round trip ({@code apply_async}); close it when done.
   */
  public cohort.client.direct.DirectClient direct() {
    return new cohort.client.direct.DirectClient(this);
  }

  /** The URL of the coordinator this client talks to now. */
  public URI base() {
    return coordinators.current();
  }

  /** Submits a job; returns its status as accepted. */
  @Override
  public JobStatus submit(JobRequest request) {
    return calls.read(calls.send(postJob("/jobs", request)), JobStatus.class);
  }

  private HttpRequest postJob(String path, JobRequest request) {
    byte[] body;
    try {
      body = json.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write the job as JSON: " + e.getMessage(), e);
    }
    return calls
        .request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  /**
   * Runs a job and waits for its end, like a blocking {@code Pool.map}: one request submits it and
   * answers with every result when the job is small, which makes a round trip as short as the
   * cluster allows; a long job's results are then read from its stream. The inputs must be in the
   * request (a list, a range or a file), not streamed.
   *
   * @return the job's final status and its results in delivery order
   */
  public JobOutcome run(JobRequest request) {
    // Wait a little less than a request may take, then read the rest from the stream.
    HttpRequest post = postJob("/jobs?wait=" + RUN_WAIT.toSeconds() + "s", request);
    JobOutcome outcome = calls.read(calls.send(post), JobOutcome.class);
    if (outcome.complete()) {
      return outcome;
    }
    String id = outcome.job().id();
    List<Result> results;
    try (Stream<Result> stream = results(id)) {
      results = stream.toList();
    }
    return new JobOutcome(status(id), results);
  }

  /**
   * As {@link #sendInputs(String, java.util.Iterator)}, going on after the coordinator restarts:
   * when the upload breaks because the coordinator went away, it waits for it up to {@code
   * reconnect} and sends on from the first input the coordinator does not have (a coordinator that
   * keeps its jobs in a data folder comes back with the job). Inputs sent are kept until the
   * coordinator counts them, so {@code inputs} is read once. An iterator that fails must throw, not
   * end: an upload that ends normally closes the job's inputs.
   *
   * @throws CohortException when the coordinator refuses them, the job ended, or the coordinator
   *     did not come back in time
   */
  public long sendInputs(
      String id,
      java.util.Iterator<? extends com.fasterxml.jackson.databind.JsonNode> inputs,
      java.time.Duration reconnect) {
    return ResumedUpload.send(this, id, inputs, reconnect, () -> false);
  }

  /**
   * As {@link #sendInputs(String, java.util.Iterator, java.time.Duration)}, for a source that
   * records its own failure: once {@code broken} says it failed, a broken upload does not go on.
   */
  public long sendInputs(
      String id,
      java.util.Iterator<? extends com.fasterxml.jackson.databind.JsonNode> inputs,
      java.time.Duration reconnect,
      java.util.function.BooleanSupplier broken) {
    return ResumedUpload.send(this, id, inputs, reconnect, broken);
  }

  /**
   * Sends a streamed job's inputs, one JSON value per line, pulling each from {@code inputs} only
   * when the coordinator admits more. Blocks until every input is admitted and the inputs are
   * closed; returns how many the job has.
   *
   * @throws CohortException when the coordinator refuses them or the upload breaks
   */
  public long sendInputs(
      String id, java.util.Iterator<? extends com.fasterxml.jackson.databind.JsonNode> inputs) {
    return uploads.send(id, inputs);
  }

  /**
   * Sends a file's bytes to the coordinator for one of the job's inputs.
   *
   * @return the blob id an input names as {@code "blob"}
   * @throws CohortException when the coordinator refuses it, for example as too large
   */
  public String uploadBlob(String id, java.nio.file.Path file) {
    HttpRequest post;
    try {
      post =
          HttpRequest.newBuilder(coordinators.uri("/jobs/" + id + "/blobs"))
              .header("Content-Type", "application/octet-stream")
              .POST(HttpRequest.BodyPublishers.ofFile(file))
              .build();
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    HttpResponse<byte[]> response = calls.send(post);
    try {
      return json.readTree(response.body()).path("blob").asText();
    } catch (IOException e) {
      throw new UncheckedIOException("the coordinator sent malformed JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The files this client kept for a job's inputs (blob ids {@code JOB/cN}) that nodes asked for,
   * waiting up to {@code wait} for the next request when there is none yet.
   */
  public cohort.api.BlobsWanted wantedBlobs(String id, java.time.Duration wait) {
    HttpRequest get =
        HttpRequest.newBuilder(
                coordinators.uri("/jobs/" + id + "/blobs?wait=" + wait.toMillis() + "ms"))
            .timeout(REQUEST_TIMEOUT.plus(wait))
            .GET()
            .build();
    return calls.read(calls.send(get), cohort.api.BlobsWanted.class);
  }

  /**
   * Sends the bytes of a file this client kept until a node asked for it ({@link #wantedBlobs}).
   *
   * @throws CohortException when the coordinator refuses it, for example because the job ended
   */
  public void sendBlob(String blobId, java.nio.file.Path file) {
    HttpRequest put;
    try {
      put =
          HttpRequest.newBuilder(coordinators.uri("/blobs/" + blobId))
              .header("Content-Type", "application/octet-stream")
              .PUT(HttpRequest.BodyPublishers.ofFile(file))
              .build();
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    calls.send(put);
  }

  /** A job's status. */
  @Override
  public JobStatus status(String id) {
    return calls.read(calls.send(calls.request("/jobs/" + id).GET().build()), JobStatus.class);
  }

  /** Every job the coordinator remembers, oldest first. */
  @Override
  public List<JobStatus> jobs() {
    return calls.read(
        calls.send(calls.request("/jobs").GET().build()), new TypeReference<List<JobStatus>>() {});
  }

  /** Cancels a job; returns its status after the cancel. */
  @Override
  public JobStatus cancel(String id) {
    return calls.read(calls.send(calls.request("/jobs/" + id).DELETE().build()), JobStatus.class);
  }

  /** The nodes and their slots. */
  @Override
  public ClusterStatus cluster() {
    return calls.read(calls.send(calls.request("/cluster").GET().build()), ClusterStatus.class);
  }

  /**
   * A link that logs a browser in to the coordinator's dashboard without the token: good for one
   * use, within a minute.
   */
  public URI dashboardLink() {
    var answer =
        calls.read(
            calls.send(calls.request("/ui/link").POST(HttpRequest.BodyPublishers.noBody()).build()),
            com.fasterxml.jackson.databind.JsonNode.class);
    return base().resolve(answer.path("path").asText());
  }

  /** The tasks the cluster's nodes offer. */
  @Override
  public List<TaskInfo> tasks() {
    return calls.read(
        calls.send(calls.request("/tasks").GET().build()), new TypeReference<List<TaskInfo>>() {});
  }

  /**
   * A job's results as the raw JSON lines the coordinator streams, from the first; the stream ends
   * when the job does. Close it to stop reading early.
   */
  @Override
  public Stream<String> resultLines(String id) {
    return resultLines(id, 0);
  }

  /**
   * A job's results as JSON lines from the {@code from}-th on: the coordinator leaves out the
   * earlier ones ({@code ?from=N}).
   */
  @Override
  public Stream<String> resultLines(String id, long from) {
    // The coordinator going away mid-stream surfaces as an I/O error on the next line: say so.
    HttpResponse<InputStream> response = openResults(id, "application/x-ndjson", from);
    return ResultStreams.lines(response.body(), e -> errors.lost(id, e));
  }

  /**
   * A job's results, from the first; the stream ends when the job does. Close it to stop reading
   * early. They travel in the coordinator's compact form ({@link ResultFrames}), which costs both
   * sides far less than JSON lines.
   */
  @Override
  public Stream<Result> results(String id) {
    return results(id, 0);
  }

  /**
   * A job's results from the {@code from}-th on. The coordinator sends whole frames, from the one
   * that holds that result (its header says where that frame starts); the rest are left out here.
   */
  @Override
  public Stream<Result> results(String id, long from) {
    HttpResponse<InputStream> response = openResults(id, ResultFrames.MEDIA_TYPE, from);
    long first = from == 0 ? 0 : response.headers().firstValueAsLong(RESULTS_FROM).orElse(0);
    return ResultStreams.results(response.body(), e -> errors.lost(id, e)).skip(from - first);
  }

  /** The header that says which result a stream of frames starts at. */
  private static final String RESULTS_FROM = "Cohort-Results-From";

  /**
   * A job's log ({@code GET /jobs/{id}/log}) as lines of tab-separated text, the header first: one
   * row per input, in the manner of GNU parallel's {@code --joblog}. While the job runs it holds
   * the rows so far; once it ended, one for every input.
   */
  public Stream<String> jobLog(String id) {
    HttpResponse<InputStream> response =
        calls.open("/jobs/" + id + "/log", "text/tab-separated-values");
    return ResultStreams.lines(response.body(), e -> errors.lost(id, e));
  }

  /** Asks for a job's results in the given media type; the response, once it is 200. */
  private HttpResponse<InputStream> openResults(String id, String mediaType, long from) {
    return calls.open("/jobs/" + id + "/results" + (from > 0 ? "?from=" + from : ""), mediaType);
  }
}
