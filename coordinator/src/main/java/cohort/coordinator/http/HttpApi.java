package cohort.coordinator.http;

import cohort.api.Durations;
import cohort.api.JobRequest;
import cohort.coordinator.ClientRequests;
import cohort.coordinator.ClientRequests.Accepted;
import cohort.coordinator.ClientRequests.ClusterView;
import cohort.coordinator.ClientRequests.Completed;
import cohort.coordinator.ClientRequests.Refused;
import cohort.coordinator.ClientRequests.SubmitReply;
import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.code.CodeStore;
import cohort.coordinator.job.JobRequests;
import cohort.coordinator.job.JobState;
import cohort.coordinator.metrics.CoordinatorMetrics;
import cohort.coordinator.security.ApiAccess;
import cohort.coordinator.web.DashboardRoutes;
import cohort.protocol.CoordinatorProtocol;
import cohort.task.FileRef;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The coordinator's HTTP/JSON API.
 *
 * <pre>
 * POST   /jobs               submit a job (JobRequest); 201 with its status
 * POST   /jobs?wait=30s      submit and wait for the end: 200 with the status and the results
 *                            (JobOutcome), or 202 with the status when the wait runs out first
 * GET    /jobs               every job the coordinator remembers
 * GET    /jobs/{id}          one job's status
 * GET    /jobs/{id}/log      its job log: one row per input, tab-separated ({@link JobLogRoutes})
 * GET    /jobs/{id}/results  its results as newline-delimited JSON, streamed while it runs;
 *                            (?from=N: from the N-th on, to go on after a lost stream)
 * POST   /jobs/{id}/inputs   a streamed job's inputs, one JSON value per line, admitted as the
 *                            cluster has room
 * POST   /jobs/{id}/blobs    a file for the job's inputs (at most 64 MiB); 201 with its blob id
 * GET    /jobs/{id}/blobs?wait=10s  the files the client keeps (JOB/cN) that nodes asked for
 * GET    /blobs/{job}/{n}    a blob's bytes, for the nodes; for JOB/cN, once the client sent them
 * PUT    /blobs/{job}/cN     the bytes of a file the client kept until a node asked
 * DELETE /jobs/{id}          cancel it
 * GET    /cluster            nodes, slots, busy slots
 * GET    /metrics            Prometheus metrics (text format 0.0.4): {@link MetricsRoutes}
 * GET    /tasks              the tasks the nodes offer
 * GET    /ui/                the dashboard ({@link DashboardRoutes})
 * </pre>
 *
 * Every error is JSON {@code {"error": "..."}} in plain words: 400 for a malformed request (a field
 * of the wrong type names the field, its value and what it takes: {@link JobRequestReader}), 404
 * for an unknown id or path, 405 for a wrong method, 409 for inputs a job does not take, 413 for a
 * body over the size limit, 500 when the coordinator did not answer, 503 when the cluster cannot
 * take a job now; what the HTTP server refuses on its own is JSON too ({@link HttpErrors}, {@link
 * JsonParsingErrors}). Durations ({@code wait}) follow {@link Durations}.
 */
public final class HttpApi extends AllDirectives {

  /** The media type of result streams: one JSON document per line. */
  public static final ContentType NDJSON =
      ContentTypes.create(MediaTypes.applicationWithFixedCharset("x-ndjson", HttpCharsets.UTF_8));

  /** The longest a submission may wait for its job's end. */
  static final Duration MAX_WAIT = Duration.ofHours(1);

  private final Asks asks;
  private final Executor blocking;
  private final Clock clock;
  private final Responses responses;
  private final HttpErrors errors;
  private final JobRequestReader reader;
  private final InputRoutes data;
  private final BlobRoutes files;
  private final Health health;
  private final MetricsRoutes metrics;
  private final ApiAccess access;
  private final CodeRoutes code;
  private final BroadcastRoutes broadcasts;
  private final DashboardRoutes dashboard;
  private final Resumes resumes;
  private final ResultRoutes results;

  /**
   * @param askTimeout how long a request waits for the coordinator; a submission also waits for a
   *     node to check the task
   * @param blocking runs file work: reads for result streams, blob files
   * @param blobs where file inputs are kept
   * @param code where shipped jars and deployments are kept
   * @param access who may make requests: every route but {@code /health} needs the token
   * @param clock measures how long running jobs have run
   * @param broadcasts where broadcasts are kept
   */
  public HttpApi(
      ActorRef<CoordinatorProtocol.Command> coordinator,
      ActorSystem<?> system,
      ObjectMapper json,
      Duration askTimeout,
      Executor blocking,
      BlobStore blobs,
      CodeStore code,
      ApiAccess access,
      Clock clock,
      cohort.coordinator.broadcast.BroadcastStore broadcasts) {
    this.asks = new Asks(coordinator, system, askTimeout);
    this.blocking = blocking;
    this.clock = clock;
    this.responses = new Responses(json);
    this.errors = new HttpErrors(responses, askTimeout);
    this.reader = new JobRequestReader(json);
    this.data = new InputRoutes(asks, json, responses);
    this.files = new BlobRoutes(asks, blocking, blobs, responses);
    this.health = new Health(system, responses);
    this.metrics = new MetricsRoutes(asks, CoordinatorMetrics.get(system), clock);
    this.access = access;
    this.code = new CodeRoutes(asks, blocking, code, responses, json, clock);
    this.broadcasts = new BroadcastRoutes(system, blocking, broadcasts, responses);
    this.dashboard = new DashboardRoutes(asks, blocking, clock, responses, json, access);
    this.resumes = new Resumes(asks, blocking, responses);
    this.results = new ResultRoutes(asks, blocking, responses);
  }

  /**
   * Every route, for requests with the token, with JSON errors for rejections, exceptions and
   * timeouts; every answer is counted for the metrics.
   */
  public Route routes() {
    return metrics.measured(this::answered);
  }

  private Route answered() {
    return withRequestTimeoutResponse(
        request -> responses.timedOut(),
        () ->
            handleExceptions(
                errors.exceptions(),
                () -> handleRejections(errors.rejections(), () -> access.guard(this::allRoutes))));
  }

  private Route allRoutes() {
    return concat(
        pathPrefix("jobs", this::jobRoutes),
        pathPrefix("blobs", files::blobRoutes),
        pathPrefix("code", code::codeRoutes),
        pathPrefix("broadcasts", broadcasts::routes),
        pathPrefix("deployments", code::deploymentRoutes),
        path("cluster", () -> get(this::cluster)),
        path("metrics", () -> get(metrics::scrape)),
        path(ApiAccess.HEALTH.substring(1), () -> get(health::route)),
        path("tasks", () -> get(code::tasks)),
        dashboard.routes());
  }

  private Route jobRoutes() {
    return concat(
        pathEndOrSingleSlash(
            () ->
                concat(
                    post(
                        () ->
                            withinDeclaredLimit(
                                () ->
                                    parameterOptional("wait", wait -> submit(wait.orElse(null))))),
                    get(this::listJobs))),
        path(
            PathMatchers.segment(),
            id -> concat(get(() -> jobStatus(id)), delete(() -> cancel(id)))),
        new JobLogRoutes(asks, blocking, responses).route(),
        path(
            PathMatchers.segment().slash("results"),
            id -> get(() -> parameterOptional("from", from -> results.results(id, from)))),
        path(
            PathMatchers.segment().slash("blobs"),
            id ->
                concat(
                    post(
                        () ->
                            withSizeLimit(
                                FileRef.MAX_BLOB_BYTES,
                                () -> withoutRequestTimeout(() -> files.upload(id)))),
                    get(() -> parameterOptional("wait", wait -> files.wanted(id, wait))))),
        path(
            PathMatchers.segment().slash("inputs"),
            id ->
                post(() -> withoutSizeLimit(() -> withoutRequestTimeout(() -> data.inputs(id))))));
  }

  /**
   * Answers 413 at once to a body that declares more bytes than the server takes, before reading
   * any of it. Reading up to the limit fails the request's stream, and Pekko then resets the
   * connection, which can reach the client before the answer does.
   */
  private Route withinDeclaredLimit(Supplier<Route> inner) {
    return extractParserSettings(
        settings ->
            extractRequestEntity(
                entity -> {
                  long limit = settings.getMaxContentLength();
                  return entity.getContentLengthOption().orElse(0) > limit
                      ? complete(errors.tooLarge(limit))
                      : inner.get();
                }));
  }

  /**
   * A {@code wait} query parameter: a duration up to {@link #MAX_WAIT}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static Duration parseWait(String text) {
    Duration wait = Durations.parse(text, "wait");
    if (wait.compareTo(MAX_WAIT) > 0) {
      throw new IllegalArgumentException(
          "wait " + text + " is out of range; give at most " + MAX_WAIT.toMinutes() + "m");
    }
    return wait;
  }

  /**
   * @param waitParameter the {@code wait} query parameter, or null
   */
  private Route submit(String waitParameter) {
    Duration wait;
    try {
      wait = waitParameter == null ? Duration.ZERO : parseWait(waitParameter);
    } catch (IllegalArgumentException e) {
      return complete(responses.error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
    Route route =
        entity(
            Unmarshaller.entityToByteArray(),
            body -> {
              JobRequest request;
              try {
                request = reader.read(body);
              } catch (IllegalArgumentException e) {
                return complete(responses.error(StatusCodes.BAD_REQUEST, e.getMessage()));
              }
              return completeWithFuture(
                  code.resolve(request)
                      .thenCompose(
                          resolved ->
                              resolved.refusal() != null
                                  ? CompletableFuture.completedFuture(resolved.refusal())
                                  : broadcasts
                                      .refusal(resolved.request())
                                      .thenCompose(
                                          refused ->
                                              refused.isPresent()
                                                  ? CompletableFuture.completedFuture(refused.get())
                                                  : submit(resolved.request(), wait))));
            });
    return wait.isZero()
        ? route
        : withRequestTimeout(asks.timeout().plus(wait).plusSeconds(5), () -> route);
  }

  private CompletionStage<HttpResponse> submit(JobRequest request, Duration wait) {
    JobRequests.Parsed parsed;
    try {
      parsed = JobRequests.parse(request);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          responses.error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
    if (!wait.isZero() && parsed.inputs().isStreamed()) {
      return CompletableFuture.completedFuture(
          responses.error(
              StatusCodes.BAD_REQUEST,
              "wait needs the job's inputs in the request; submit a streamed job without"
                  + " wait and read GET /jobs/{id}/results"));
    }
    return resumes
        .plan(request.resumeFrom(), parsed)
        .thenCompose(
            planned ->
                planned.refusal() != null
                    ? CompletableFuture.completedFuture(planned.refusal())
                    : asks.<SubmitReply>ask(
                            replyTo -> planned.submit(parsed, wait, replyTo),
                            asks.timeout().plus(wait))
                        .thenApply(this::submitted));
  }

  private HttpResponse submitted(SubmitReply answer) {
    if (answer instanceof Accepted accepted) {
      return responses
          .ok(StatusCodes.CREATED, ApiViews.status(accepted.job(), clock.instant()))
          .addHeader(Location.create("/jobs/" + accepted.job().id()));
    }
    if (answer instanceof Completed completed) {
      HttpResponse outcome =
          responses.ok(
              completed.job().terminal() ? StatusCodes.OK : StatusCodes.ACCEPTED,
              ApiViews.outcome(completed, clock.instant()));
      return completed.job().terminal()
          ? outcome
          : outcome.addHeader(Location.create("/jobs/" + completed.job().id()));
    }
    return responses.refused((Refused) answer);
  }

  private Route listJobs() {
    return completeWithFuture(
        asks.ask(ClientRequests.ListJobs::new)
            .thenApply(
                jobs ->
                    responses.ok(
                        StatusCodes.OK,
                        jobs.stream().map(job -> ApiViews.status(job, clock.instant())).toList())));
  }

  private Route jobStatus(String id) {
    return completeWithFuture(
        asks.ask((ActorRef<Optional<JobState>> r) -> new ClientRequests.GetJob(id, r))
            .thenApply(found -> jobOrUnknown(id, found)));
  }

  private Route cancel(String id) {
    return completeWithFuture(
        asks.ask((ActorRef<Optional<JobState>> r) -> new ClientRequests.CancelJob(id, r))
            .thenApply(found -> jobOrUnknown(id, found)));
  }

  private HttpResponse jobOrUnknown(String id, Optional<JobState> found) {
    return found
        .map(job -> responses.ok(StatusCodes.OK, ApiViews.status(job, clock.instant())))
        .orElseGet(() -> responses.unknownJob(id));
  }

  private Route cluster() {
    return completeWithFuture(
        asks.ask((ActorRef<ClusterView> r) -> new ClientRequests.GetCluster(r))
            .thenApply(view -> responses.ok(StatusCodes.OK, ApiViews.cluster(view))));
  }
}
