package cohort.coordinator.http;

import cohort.api.ApiError;
import cohort.api.JobOutcome;
import cohort.api.JobRequest;
import cohort.api.Result;
import cohort.coordinator.Coordinator;
import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.job.JobRequests;
import cohort.coordinator.job.ResultBlock;
import cohort.coordinator.results.ResultLog;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.Payloads;
import cohort.task.FileRef;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * The coordinator's HTTP/JSON API.
 *
 * <pre>
 * POST   /jobs               submit a job (JobRequest); 201 with its status
 * POST   /jobs?wait=30s      submit and wait for the end: 200 with the status and the results
 *                            (JobOutcome), or 202 with the status when the wait runs out first
 * GET    /jobs               every job the coordinator remembers
 * GET    /jobs/{id}          one job's status
 * GET    /jobs/{id}/results  its results as newline-delimited JSON, streamed while it runs
 * POST   /jobs/{id}/inputs   a streamed job's inputs, one JSON value per line, admitted as the
 *                            cluster has room
 * POST   /jobs/{id}/blobs    a file for the job's inputs (at most 64 MiB); 201 with its blob id
 * GET    /blobs/{job}/{n}    a blob's bytes, for the nodes
 * DELETE /jobs/{id}          cancel it
 * GET    /cluster            nodes, slots, busy slots
 * GET    /tasks              the tasks the nodes offer
 * </pre>
 *
 * Every error is JSON {@code {"error": "..."}}: 400 for a malformed request, 404 for an unknown id
 * or path, 405 for a wrong method, 503 when the cluster cannot take a job now.
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
  private final BlobStore blobs;

  /**
   * @param askTimeout how long a request waits for the coordinator; a submission also waits for a
   *     node to check the task
   * @param blocking runs file reads for result streams
   * @param blobs where file inputs are kept
   */
  public HttpApi(
      ActorRef<CoordinatorProtocol.Command> coordinator,
      ActorSystem<?> system,
      ObjectMapper json,
      Duration askTimeout,
      Executor blocking,
      BlobStore blobs) {
    this.coordinator = coordinator;
    this.system = system;
    this.json = json;
    this.askTimeout = askTimeout;
    this.blocking = blocking;
    this.blobs = blobs;
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
                                    + " /jobs/{id}/inputs, /jobs/{id}/blobs, /blobs, /cluster and"
                                    + " /tasks"))))
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
                        pathPrefix(
                            "blobs",
                            () ->
                                path(
                                    PathMatchers.segment().slash(PathMatchers.segment()),
                                    (job, n) -> get(() -> blob(job + "/" + n)))),
                        path("cluster", () -> get(this::cluster)),
                        path("tasks", () -> get(this::tasks)))));
  }

  private Route jobRoutes() {
    return concat(
        pathEndOrSingleSlash(
            () ->
                concat(
                    post(() -> parameterOptional("wait", wait -> submit(wait.orElse(null)))),
                    get(this::listJobs))),
        path(
            PathMatchers.segment(),
            id -> concat(get(() -> jobStatus(id)), delete(() -> cancel(id)))),
        path(PathMatchers.segment().slash("results"), id -> get(() -> results(id))),
        path(
            PathMatchers.segment().slash("blobs"),
            id ->
                post(
                    () ->
                        withSizeLimit(
                            FileRef.MAX_BLOB_BYTES,
                            () -> withoutRequestTimeout(() -> upload(id))))),
        path(
            PathMatchers.segment().slash("inputs"),
            id -> post(() -> withoutSizeLimit(() -> withoutRequestTimeout(() -> inputs(id))))));
  }

  /**
   * Streams a job's inputs in: newline-delimited JSON, parsed as it arrives and admitted as the job
   * has room, so a slow cluster slows the upload down through TCP. Answers once the body ended and
   * every input was admitted; a malformed line or a broken upload cancels the job.
   */
  private Route inputs(String id) {
    return extractRequestEntity(
        entity -> {
          long[] lines = new long[1];
          CompletionStage<HttpResponse> done =
              entity
                  .getDataBytes()
                  .via(
                      Framing.delimiter(
                          ByteString.fromString("\n"), MAX_INPUT_LINE, FramingTruncation.ALLOW))
                  .map(line -> parseInput(line, ++lines[0]))
                  .filter(Optional::isPresent)
                  .map(Optional::get)
                  .groupedWithin(INPUT_CHUNK, INPUT_CHUNK_WAIT)
                  .mapAsync(
                      1,
                      chunk ->
                          admitted(
                              askPatiently(
                                  replyTo -> new Coordinator.AddInputs(id, chunk, replyTo))))
                  .runWith(Sink.ignore(), system)
                  .thenCompose(
                      ignored -> admitted(ask(replyTo -> new Coordinator.CloseInputs(id, replyTo))))
                  .handle(
                      (total, failure) -> {
                        if (failure == null) {
                          return ok(StatusCodes.OK, java.util.Map.of("job", id, "inputs", total));
                        }
                        Throwable cause =
                            failure instanceof java.util.concurrent.CompletionException
                                ? failure.getCause()
                                : failure;
                        if (cause instanceof InputsRefusedException refused) {
                          return error(StatusCodes.get(refused.status), refused.getMessage());
                        }
                        String reason =
                            cause instanceof IllegalArgumentException
                                ? cause.getMessage()
                                : "the input stream broke: " + cause.getMessage();
                        coordinator.tell(new Coordinator.AbortInputs(id, reason));
                        return error(StatusCodes.BAD_REQUEST, reason + "; the job is cancelled");
                      });
          return completeWithFuture(done);
        });
  }

  /**
   * Stores a file for a job's inputs: the body is the file's bytes, streamed to disk. Answers 201
   * with the blob's id, which an input names as {@code "blob"}.
   */
  private Route upload(String id) {
    return extractRequestEntity(
        entity -> {
          CompletionStage<HttpResponse> done =
              ask((ActorRef<Optional<cohort.api.JobStatus>> r) -> new Coordinator.GetJob(id, r))
                  .thenCompose(
                      found -> {
                        if (found.isEmpty() || found.get().state().terminal()) {
                          entity.discardBytes(system);
                          return CompletableFuture.completedFuture(
                              found.isEmpty()
                                  ? unknownJob(id)
                                  : error(
                                      StatusCodes.CONFLICT,
                                      "job "
                                          + id
                                          + " is "
                                          + found.get().state()
                                          + "; it takes no more files"));
                        }
                        String blob = blobs.newId(id);
                        Path file = blobs.pathOf(blob);
                        return CompletableFuture.runAsync(() -> createParent(file), blocking)
                            .thenCompose(
                                ignored ->
                                    entity.getDataBytes().runWith(FileIO.toPath(file), system))
                            .handle(
                                (written, failure) -> {
                                  if (failure == null) {
                                    return ok(
                                        StatusCodes.CREATED,
                                        Map.of("blob", blob, "size", written.getCount()));
                                  }
                                  blobs.delete(blob);
                                  Throwable cause =
                                      failure instanceof CompletionException
                                          ? failure.getCause()
                                          : failure;
                                  if (cause instanceof EntityStreamSizeException) {
                                    return error(
                                        StatusCodes.PAYLOAD_TOO_LARGE,
                                        "a file sent through the cluster may have at most "
                                            + FileRef.MAX_BLOB_BYTES / (1024 * 1024)
                                            + " MiB; use shared storage (--shared-fs) for larger"
                                            + " files");
                                  }
                                  return error(
                                      StatusCodes.BAD_REQUEST,
                                      "the upload broke: " + cause.getMessage());
                                });
                      });
          return completeWithFuture(done);
        });
  }

  private static void createParent(Path file) {
    try {
      Files.createDirectories(file.getParent());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot store files in " + file.getParent() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Bytes read from a blob's file at once when serving it. Pekko's default of 8 KiB makes a photo
   * of half a megabyte some 70 trips through the HTTP stream and as many socket writes.
   */
  private static final int BLOB_CHUNK = 256 * 1024;

  /** Serves a blob's bytes to a node. */
  private Route blob(String id) {
    Path file;
    try {
      file = blobs.pathOf(id);
    } catch (IllegalArgumentException e) {
      return complete(error(StatusCodes.NOT_FOUND, e.getMessage()));
    }
    if (!Files.isRegularFile(file)) {
      return complete(
          error(
              StatusCodes.NOT_FOUND,
              "blob " + id + " is gone: its input has a result already, or its job ended"));
    }
    return complete(
        HttpResponse.create()
            .withEntity(
                HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, file, BLOB_CHUNK)));
  }

  /** Longest input line accepted: a value at the size limit, written out as JSON text. */
  private static final int MAX_INPUT_LINE = 4 * Payloads.MAX_VALUE_BYTES;

  /** Inputs handed to the coordinator at once, and how long a partial group may wait. */
  private static final int INPUT_CHUNK = 1000;

  private static final Duration INPUT_CHUNK_WAIT = Duration.ofMillis(20);

  private Optional<JsonNode> parseInput(ByteString line, long number) {
    if (line.isEmpty()) {
      return Optional.empty();
    }
    JsonNode input;
    try {
      input = json.readTree(line.toArray());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "input line " + number + " is not JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "input line " + number + " cannot be read: " + e.getMessage());
    }
    long size = Payloads.estimateBytes(input);
    if (size > Payloads.MAX_VALUE_BYTES) {
      throw new IllegalArgumentException(
          "input line "
              + number
              + " is about "
              + size / 1024
              + " KiB; an input may have at most "
              + Payloads.MAX_VALUE_BYTES / 1024
              + " KiB");
    }
    return Optional.of(input);
  }

  private static CompletionStage<Long> admitted(CompletionStage<Coordinator.InputsReply> reply) {
    return reply.thenApply(
        answer -> {
          if (answer instanceof Coordinator.InputsAccepted accepted) {
            return accepted.total();
          }
          Coordinator.InputsRefused refused = (Coordinator.InputsRefused) answer;
          throw new InputsRefusedException(refused.httpStatus(), refused.error());
        });
  }

  /** The coordinator refused inputs; carries its HTTP status to the response. */
  private static final class InputsRefusedException extends RuntimeException {
    final int status;

    InputsRefusedException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** The longest a submission may wait for its job's end. */
  static final Duration MAX_WAIT = Duration.ofHours(1);

  private static final java.util.regex.Pattern WAIT =
      java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

  /**
   * @param waitParameter the {@code wait} query parameter, or null
   */
  private Route submit(String waitParameter) {
    Duration wait;
    try {
      wait = waitParameter == null ? Duration.ZERO : parseWait(waitParameter);
    } catch (IllegalArgumentException e) {
      return complete(error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
    Route route =
        entity(
            Unmarshaller.entityToByteArray(),
            body -> {
              JobRequests.Parsed parsed;
              try {
                parsed = JobRequests.parse(readRequest(body));
              } catch (IllegalArgumentException e) {
                return complete(error(StatusCodes.BAD_REQUEST, e.getMessage()));
              }
              if (!wait.isZero()
                  && parsed.inputs() instanceof cohort.coordinator.job.StreamedInputs) {
                return complete(
                    error(
                        StatusCodes.BAD_REQUEST,
                        "wait needs the job's inputs in the request; submit a streamed job without"
                            + " wait and read GET /jobs/{id}/results"));
              }
              CompletionStage<Coordinator.SubmitReply> reply =
                  AskPattern.ask(
                      coordinator,
                      replyTo ->
                          new Coordinator.SubmitJob(
                              parsed.spec(), parsed.inputs(), parsed.taskCombiner(), wait, replyTo),
                      askTimeout.plus(wait),
                      system.scheduler());
              return completeWithFuture(reply.thenApply(this::submitted));
            });
    return wait.isZero()
        ? route
        : withRequestTimeout(askTimeout.plus(wait).plusSeconds(5), () -> route);
  }

  private HttpResponse submitted(Coordinator.SubmitReply answer) {
    if (answer instanceof Coordinator.Accepted accepted) {
      return ok(StatusCodes.CREATED, accepted.status())
          .addHeader(Location.create("/jobs/" + accepted.status().id()));
    }
    if (answer instanceof Coordinator.Completed completed) {
      List<Result> results = null;
      if (completed.results() != null && completed.status().state().terminal()) {
        results = new java.util.ArrayList<>();
        for (ResultBlock block : completed.results()) {
          results.addAll(block.results());
        }
      }
      JobOutcome outcome = new JobOutcome(completed.status(), results);
      return completed.status().state().terminal()
          ? ok(StatusCodes.OK, outcome)
          : ok(StatusCodes.ACCEPTED, outcome)
              .addHeader(Location.create("/jobs/" + completed.status().id()));
    }
    Coordinator.Rejected rejected = (Coordinator.Rejected) answer;
    return error(StatusCodes.get(rejected.httpStatus()), rejected.error());
  }

  /** A wait such as {@code 30s}, {@code 500ms} or {@code 2m}; a bare number is seconds. */
  static Duration parseWait(String text) {
    java.util.regex.Matcher m = WAIT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "wait '"
              + text
              + "' is not a duration; give one such as wait=30s, wait=500ms or wait=2m");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration wait =
        switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofSeconds(amount);
        };
    if (wait.isZero() || wait.compareTo(MAX_WAIT) > 0) {
      throw new IllegalArgumentException(
          "wait "
              + text
              + " is out of range; give more than 0 and at most "
              + MAX_WAIT.toMinutes()
              + "m");
    }
    return wait;
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
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw new IllegalArgumentException(
          "the body is not a valid job: " + e.getOriginalMessage() + where);
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
        ask((ActorRef<Optional<cohort.api.JobStatus>> r) -> new Coordinator.GetJob(id, r))
            .thenApply(
                found -> found.map(s -> ok(StatusCodes.OK, s)).orElseGet(() -> unknownJob(id))));
  }

  private Route cancel(String id) {
    return completeWithFuture(
        ask((ActorRef<Optional<cohort.api.JobStatus>> r) -> new Coordinator.CancelJob(id, r))
            .thenApply(
                found -> found.map(s -> ok(StatusCodes.OK, s)).orElseGet(() -> unknownJob(id))));
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
                                    .withEntity(
                                        HttpEntities.createChunked(NDJSON, log.source(blocking))))
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

  /**
   * An ask that may wait as long as it takes: admission of streamed inputs waits for the cluster,
   * however slow it is.
   */
  private <T> CompletionStage<T> askPatiently(
      Function<ActorRef<T>, CoordinatorProtocol.Command> message) {
    return AskPattern.ask(coordinator, message::apply, Duration.ofDays(1), system.scheduler());
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
