package cohort.coordinator.http;

import cohort.coordinator.Coordinator;
import cohort.coordinator.job.JobRequests;
import cohort.coordinator.results.ResultLog;
import cohort.messages.CoordinatorProtocol;
import cohort.messages.api.ApiError;
import cohort.messages.api.JobRequest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The coordinator's HTTP/JSON API.
 *
 * <pre>
 * POST   /jobs               submit a job (JobRequest); 201 with its status
 * GET    /jobs               every job the coordinator remembers
 * GET    /jobs/{id}          one job's status
 * GET    /jobs/{id}/results  its results as newline-delimited JSON, streamed while it runs
 * DELETE /jobs/{id}          cancel it
 * GET    /cluster            nodes, slots, busy slots
 * GET    /tasks              the tasks the nodes offer
 * </pre>
 *
 * Every error is JSON {@code {"error": "..."}}: 400 for a malformed request, 404 for an unknown
 * id or path, 405 for a wrong method, 503 when the cluster cannot take a job now.
 */
public final class HttpApi extends AllDirectives {

  /** The media type of result streams: one JSON document per line. */
  public static final ContentType NDJSON =
      ContentTypes.create(MediaTypes.applicationWithFixedCharset("x-ndjson", HttpCharsets.UTF_8));

  private final ActorRef<CoordinatorProtocol.Command> coordinator;
  private final ActorSystem<?> system;
  private final ObjectMapper json;
  private final Duration askTimeout;
  private final Executor blocking;

  /**
   * @param askTimeout how long a request waits for the coordinator; a submission also waits for
   *     a node to check the task
   * @param blocking runs file reads for result streams
   */
  public HttpApi(
      ActorRef<CoordinatorProtocol.Command> coordinator,
      ActorSystem<?> system,
      ObjectMapper json,
      Duration askTimeout,
      Executor blocking) {
    this.coordinator = coordinator;
    this.system = system;
    this.json = json;
    this.askTimeout = askTimeout;
    this.blocking = blocking;
  }

  /** Every route, with JSON errors for rejections and exceptions. */
  public Route routes() {
    RejectionHandler rejections =
        RejectionHandler.newBuilder()
            .handleAll(
                MethodRejection.class,
                rejected ->
                    complete(
                        error(
                            StatusCodes.METHOD_NOT_ALLOWED,
                            "method not allowed here; use "
                                + rejected.stream()
                                    .map(r -> r.supported().name())
                                    .distinct()
                                    .reduce((a, b) -> a + " or " + b)
                                    .orElse("another method"))))
            .handleNotFound(
                extractUnmatchedPath(
                    path ->
                        complete(
                            error(
                                StatusCodes.NOT_FOUND,
                                "no endpoint at "
                                    + path
                                    + "; the API has /jobs, /jobs/{id}, /jobs/{id}/results,"
                                    + " /cluster and /tasks"))))
            .build();
    ExceptionHandler exceptions =
        ExceptionHandler.newBuilder()
            .matchAny(
                failure ->
                    complete(
                        error(
                            StatusCodes.INTERNAL_SERVER_ERROR,
                            "the coordinator failed to answer: " + failure.getMessage())))
            .build();
    return handleExceptions(
        exceptions,
        () ->
            handleRejections(
                rejections,
                () ->
                    concat(
                        pathPrefix("jobs", this::jobRoutes),
                        path("cluster", () -> get(this::cluster)),
                        path("tasks", () -> get(this::tasks)))));
  }

  private Route jobRoutes() {
    return concat(
        pathEndOrSingleSlash(() -> concat(post(this::submit), get(this::listJobs))),
        path(
            PathMatchers.segment(),
            id -> concat(get(() -> jobStatus(id)), delete(() -> cancel(id)))),
        path(PathMatchers.segment().slash("results"), id -> get(() -> results(id))));
  }

  private Route submit() {
    return entity(
        Unmarshaller.entityToByteArray(),
        body -> {
          JobRequests.Parsed parsed;
          try {
            parsed = JobRequests.parse(readRequest(body));
          } catch (IllegalArgumentException e) {
            return complete(error(StatusCodes.BAD_REQUEST, e.getMessage()));
          }
          CompletionStage<Coordinator.SubmitReply> reply =
              ask(
                  replyTo ->
                      new Coordinator.SubmitJob(
                          parsed.spec(), parsed.inputs(), parsed.taskCombiner(), replyTo));
          return completeWithFuture(
              reply.thenApply(
                  answer -> {
                    if (answer instanceof Coordinator.Accepted accepted) {
                      return ok(StatusCodes.CREATED, accepted.status())
                          .addHeader(Location.create("/jobs/" + accepted.status().id()));
                    }
                    Coordinator.Rejected rejected = (Coordinator.Rejected) answer;
                    return error(StatusCodes.get(rejected.httpStatus()), rejected.error());
                  }));
        });
  }

  private JobRequest readRequest(byte[] body) {
    if (body.length == 0) {
      throw new IllegalArgumentException(
          "the body is empty; send a JSON job such as {\"task\":\"echo\",\"inputs\":[1,2,3]}");
    }
    try {
      return json.readValue(body, JobRequest.class);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException(
          "unknown field '"
              + e.getPropertyName()
              + "' in the job; known fields: "
              + JobRequest.FIELDS);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line " + e.getLocation().getLineNr() + ", column "
                  + e.getLocation().getColumnNr() + ")";
      throw new IllegalArgumentException("the body is not a valid job: " + e.getOriginalMessage() + where);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read the body: " + e.getMessage());
    }
  }

  private Route listJobs() {
    return completeWithFuture(
        ask(Coordinator.ListJobs::new).thenApply(jobs -> ok(StatusCodes.OK, jobs)));
  }

  private Route jobStatus(String id) {
    return completeWithFuture(
        ask((ActorRef<Optional<cohort.messages.api.JobStatus>> r) -> new Coordinator.GetJob(id, r))
            .thenApply(found -> found.map(s -> ok(StatusCodes.OK, s)).orElseGet(() -> unknownJob(id))));
  }

  private Route cancel(String id) {
    return completeWithFuture(
        ask((ActorRef<Optional<cohort.messages.api.JobStatus>> r) -> new Coordinator.CancelJob(id, r))
            .thenApply(found -> found.map(s -> ok(StatusCodes.OK, s)).orElseGet(() -> unknownJob(id))));
  }

  private Route results(String id) {
    return completeWithFuture(
        ask((ActorRef<Optional<ResultLog>> r) -> new Coordinator.OpenResults(id, r))
            .thenApply(
                found ->
                    found
                        .map(
                            log ->
                                HttpResponse.create()
                                    .withStatus(StatusCodes.OK)
                                    .withEntity(HttpEntities.createChunked(NDJSON, log.source(blocking))))
                        .orElseGet(() -> unknownJob(id))));
  }

  private Route cluster() {
    return completeWithFuture(
        ask(Coordinator.GetCluster::new).thenApply(status -> ok(StatusCodes.OK, status)));
  }

  private Route tasks() {
    return completeWithFuture(
        ask(Coordinator.GetTasks::new).thenApply(tasks -> ok(StatusCodes.OK, tasks)));
  }

  private <T> CompletionStage<T> ask(Function<ActorRef<T>, CoordinatorProtocol.Command> message) {
    return AskPattern.ask(coordinator, message::apply, askTimeout, system.scheduler());
  }

  private HttpResponse unknownJob(String id) {
    return error(StatusCodes.NOT_FOUND, "no job '" + id + "'; GET /jobs lists the jobs");
  }

  private HttpResponse ok(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  private HttpResponse error(StatusCode status, String message) {
    return ok(status, new ApiError(message));
  }
}
