package cohort.coordinator.http;

import cohort.coordinator.ClientRequests;
import cohort.coordinator.ClientRequests.InputsAccepted;
import cohort.coordinator.ClientRequests.InputsChecked;
import cohort.coordinator.ClientRequests.InputsMisfit;
import cohort.coordinator.ClientRequests.InputsReply;
import cohort.coordinator.ClientRequests.Refused;
import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.StreamSamples;
import cohort.coordinator.job.StreamSamples.Step;
import cohort.protocol.Payloads;
import cohort.task.FileRef;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.scaladsl.Framing.FramingException;
import org.apache.pekko.util.ByteString;

/**
 * The routes that move data in: a streamed job's inputs ({@code POST /jobs/{id}/inputs}), the files
 * a job's inputs name ({@code POST /jobs/{id}/blobs}), and those files' bytes for the nodes ({@code
 * GET /blobs/{job}/{n}}). File work runs on the blocking executor, never on the HTTP threads.
 */
final class InputRoutes extends AllDirectives {

  /**
   * Longest input line read: a value at the size limit, written out as JSON text, may take more
   * bytes than its estimate. A longer line is refused as too large without reading it whole.
   */
  private static final int MAX_INPUT_LINE = 4 * Payloads.MAX_VALUE_BYTES;

  /** Inputs handed to the coordinator at once, and how long a partial group may wait. */
  private static final int INPUT_CHUNK = 1000;

  private static final Duration INPUT_CHUNK_WAIT = Duration.ofMillis(20);

  /**
   * Bytes read from a blob's file at once when serving it. Pekko's default of 8 KiB makes a photo
   * of half a megabyte some 70 trips through the HTTP stream and as many socket writes.
   */
  private static final int BLOB_CHUNK = 256 * 1024;

  private final Asks asks;
  private final ObjectMapper json;
  private final Executor blocking;
  private final BlobStore blobs;
  private final Responses responses;

  InputRoutes(
      Asks asks, ObjectMapper json, Executor blocking, BlobStore blobs, Responses responses) {
    this.asks = asks;
    this.json = json;
    this.blocking = blocking;
    this.blobs = blobs;
    this.responses = responses;
  }

  /**
   * Streams a job's inputs in: newline-delimited JSON, parsed as it arrives and admitted as the job
   * has room, so a slow cluster slows the upload down through TCP. The first inputs are checked
   * against the job's task before they go in ({@link StreamSamples}). Answers once the body ended
   * and every input was admitted; a malformed line, first inputs none of which fits the task, or a
   * broken upload cancel the job.
   */
  Route inputs(String id) {
    return extractRequestEntity(
        entity -> {
          long[] lines = new long[1];
          StreamSamples samples = new StreamSamples();
          CompletionStage<HttpResponse> done =
              entity
                  .getDataBytes()
                  .via(
                      Framing.delimiter(
                          ByteString.fromString("\n"), MAX_INPUT_LINE, FramingTruncation.ALLOW))
                  // Every line before went through the count below: the one too long is the next.
                  .mapError(
                      FramingException.class,
                      tooLong ->
                          new IllegalArgumentException(
                              Payloads.inputTooLarge("input line " + (lines[0] + 1))))
                  .map(line -> parseInput(line, ++lines[0]))
                  .filter(Optional::isPresent)
                  .map(Optional::get)
                  .groupedWithin(INPUT_CHUNK, INPUT_CHUNK_WAIT)
                  .mapAsync(
                      1, part -> checked(id, samples, part).thenCompose(step -> add(id, step)))
                  .runWith(Sink.ignore(), asks.system())
                  .thenCompose(ignored -> add(id, samples.ended()))
                  .thenCompose(
                      ignored ->
                          admitted(
                              asks.ask(
                                  (ActorRef<InputsReply> replyTo) ->
                                      new ClientRequests.CloseInputs(id, replyTo))))
                  .handle((total, failure) -> inputsDone(id, total, failure));
          return completeWithFuture(done);
        });
  }

  /** Checks the part's first inputs with the job's task, while the upload's inputs need that. */
  private CompletionStage<Step> checked(String id, StreamSamples samples, List<JsonNode> part) {
    List<JsonNode> toCheck = samples.toCheck(part);
    if (toCheck.isEmpty()) {
      return CompletableFuture.completedFuture(samples.checked(part, 0, null));
    }
    return asks.ask(
            (ActorRef<InputsChecked> replyTo) ->
                new ClientRequests.CheckInputs(id, toCheck, replyTo))
        .thenApply(
            answer -> {
              if (answer instanceof InputsMisfit misfit) {
                return samples.checked(part, toCheck.size(), misfit.error());
              }
              if (answer instanceof Refused refused) {
                return switch (refused.why()) {
                  case UNAVAILABLE -> samples.unchecked(part);
                  case INVALID -> new StreamSamples.Refuse(refused.error());
                  case UNKNOWN_JOB, NO_MORE_INPUTS -> throw new RefusedException(refused);
                };
              }
              return samples.checked(part, toCheck.size(), null);
            });
  }

  /** Lets inputs in as the job has room, or refuses the job: its first inputs do not fit. */
  private CompletionStage<Long> add(String id, Step step) {
    if (step instanceof StreamSamples.Refuse refuse) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(refuse.error()));
    }
    if (step instanceof StreamSamples.Admit admit && !admit.inputs().isEmpty()) {
      return admitted(
          asks.askPatiently(
              (ActorRef<InputsReply> replyTo) ->
                  new ClientRequests.AddInputs(id, admit.inputs(), replyTo)));
    }
    return CompletableFuture.completedFuture(0L);
  }

  private HttpResponse inputsDone(String id, Long total, Throwable failure) {
    if (failure == null) {
      return responses.ok(StatusCodes.OK, Map.of("job", id, "inputs", total));
    }
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause instanceof RefusedException refused) {
      return responses.refused(refused.refused);
    }
    String reason =
        cause instanceof IllegalArgumentException
            ? cause.getMessage()
            : "the input stream broke: " + cause.getMessage();
    asks.tell(new ClientRequests.AbortInputs(id, reason));
    return responses.error(StatusCodes.BAD_REQUEST, reason + "; the job is cancelled");
  }

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
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "input line " + number + " cannot be read: " + e.getMessage());
    }
    Payloads.requireInputSize(input, "input line " + number);
    return Optional.of(input);
  }

  private static CompletionStage<Long> admitted(CompletionStage<InputsReply> reply) {
    return reply.thenApply(
        answer -> {
          if (answer instanceof InputsAccepted accepted) {
            return accepted.total();
          }
          throw new RefusedException((Refused) answer);
        });
  }

  /** The coordinator refused inputs; carries the refusal to the response. */
  private static final class RefusedException extends RuntimeException {
    final transient Refused refused;

    RefusedException(Refused refused) {
      super(refused.error(), null, false, false);
      this.refused = refused;
    }
  }

  /**
   * Stores a file for a job's inputs: the body is the file's bytes, streamed to disk. Answers 201
   * with the blob's id, which an input names as {@code "blob"}.
   */
  Route upload(String id) {
    return extractRequestEntity(
        entity -> {
          CompletionStage<HttpResponse> done =
              asks.ask(
                      (ActorRef<Optional<JobState>> replyTo) ->
                          new ClientRequests.GetJob(id, replyTo))
                  .thenCompose(
                      found -> {
                        if (found.isEmpty() || found.get().terminal()) {
                          entity.discardBytes(asks.system());
                          return CompletableFuture.completedFuture(
                              found.isEmpty()
                                  ? responses.unknownJob(id)
                                  : responses.error(
                                      StatusCodes.CONFLICT,
                                      "job "
                                          + id
                                          + " is "
                                          + found.get().phase()
                                          + "; it takes no more files"));
                        }
                        String blob = blobs.newId(id);
                        Path file = blobs.pathOf(blob);
                        return CompletableFuture.runAsync(() -> createParent(file), blocking)
                            .thenCompose(
                                ignored ->
                                    entity
                                        .getDataBytes()
                                        .runWith(FileIO.toPath(file), asks.system()))
                            .handle(
                                (written, failure) ->
                                    failure == null
                                        ? responses.ok(
                                            StatusCodes.CREATED,
                                            Map.of("blob", blob, "size", written.getCount()))
                                        : uploadFailed(blob, failure));
                      });
          return completeWithFuture(done);
        });
  }

  private HttpResponse uploadFailed(String blob, Throwable failure) {
    CompletableFuture.runAsync(() -> blobs.delete(blob), blocking);
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (causedBy(cause, EntityStreamSizeException.class)) {
      return responses.error(
          StatusCodes.PAYLOAD_TOO_LARGE,
          "a file sent through the cluster may have at most "
              + FileRef.MAX_BLOB_BYTES / (1024 * 1024)
              + " MiB; use shared storage (--shared-fs) for larger files");
    }
    return responses.error(StatusCodes.BAD_REQUEST, "the upload broke: " + cause.getMessage());
  }

  /** Whether {@code failure} or one of its causes is a {@code type}: file sinks wrap the reason. */
  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable at = failure; at != null; at = at.getCause()) {
      if (type.isInstance(at)) {
        return true;
      }
    }
    return false;
  }

  private static void createParent(Path file) {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot store files in " + file.getParent() + ": " + e.getMessage(), e);
    }
  }

  /**
   * How long a node's request for a file the client keeps may wait for the client to send it: the
   * client sends it within a round trip while it follows its job.
   */
  static final Duration CLIENT_SEND_WAIT = Duration.ofMinutes(2);

  /**
   * Serves a blob's bytes to a node. A blob the client keeps until asked ({@code JOB/cN}) and has
   * not sent yet is asked of the client; the answer waits until its bytes are here.
   */
  Route blob(String id) {
    Path file;
    try {
      file = blobs.pathOf(id);
    } catch (IllegalArgumentException e) {
      return complete(responses.error(StatusCodes.NOT_FOUND, e.getMessage()));
    }
    return completeWithFuture(
        CompletableFuture.supplyAsync(() -> Files.isRegularFile(file), blocking)
            .thenCompose(
                present -> {
                  if (present) {
                    return CompletableFuture.completedFuture(serve(file));
                  }
                  if (!BlobStore.clientHeld(id)) {
                    return CompletableFuture.completedFuture(gone(id));
                  }
                  return live(BlobStore.jobOf(id))
                      .thenCompose(
                          live ->
                              live
                                  ? blobs
                                      .await(id)
                                      .completeOnTimeout(
                                          false,
                                          CLIENT_SEND_WAIT.toMillis(),
                                          java.util.concurrent.TimeUnit.MILLISECONDS)
                                      .thenApply(
                                          sent ->
                                              sent
                                                  ? serve(file)
                                                  : responses.error(
                                                      StatusCodes.SERVICE_UNAVAILABLE,
                                                      "the client did not send the bytes of "
                                                          + id
                                                          + " within "
                                                          + CLIENT_SEND_WAIT.toMinutes()
                                                          + " min, or its job ended; a client"
                                                          + " must follow its job while it runs"))
                                  : CompletableFuture.completedFuture(gone(id)));
                }));
  }

  private static HttpResponse serve(Path file) {
    return HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, file, BLOB_CHUNK));
  }

  private HttpResponse gone(String id) {
    return responses.error(
        StatusCodes.NOT_FOUND,
        "blob " + id + " is gone: its input has a result already, or its job ended");
  }

  /** Whether the job exists and has not ended. */
  private CompletionStage<Boolean> live(String job) {
    return asks.ask(
            (ActorRef<Optional<JobState>> replyTo) -> new ClientRequests.GetJob(job, replyTo))
        .thenApply(found -> found.isPresent() && !found.get().terminal());
  }

  /**
   * The client asks which of the files it keeps nodes want ({@code GET /jobs/{id}/blobs}): answers
   * their blob ids as soon as there are some, or an empty list after {@code wait}; {@code "ended":
   * true} once the job has ended, when the client may stop asking.
   */
  Route wanted(String id, Duration wait) {
    return completeWithFuture(
        asks.ask((ActorRef<Optional<JobState>> replyTo) -> new ClientRequests.GetJob(id, replyTo))
            .thenCompose(
                found -> {
                  if (found.isEmpty()) {
                    return CompletableFuture.completedFuture(responses.unknownJob(id));
                  }
                  if (found.get().terminal()) {
                    return CompletableFuture.completedFuture(
                        responses.ok(StatusCodes.OK, Map.of("blobs", List.of(), "ended", true)));
                  }
                  return blobs
                      .wanted(id)
                      .completeOnTimeout(
                          Optional.of(List.of()),
                          wait.toMillis(),
                          java.util.concurrent.TimeUnit.MILLISECONDS)
                      .thenApply(
                          ids ->
                              responses.ok(
                                  StatusCodes.OK,
                                  Map.of("blobs", ids.orElse(List.of()), "ended", ids.isEmpty())));
                }));
  }

  /**
   * The client sends the bytes of a file it kept until a node asked ({@code PUT /blobs/{job}/cN}):
   * stored under a temporary name and moved in place whole, so a node never reads half of it.
   */
  Route deliver(String id) {
    if (!BlobStore.clientHeld(id)) {
      return complete(
          responses.error(
              StatusCodes.BAD_REQUEST,
              "'"
                  + id
                  + "' is not the id of a file the client keeps (JOB/cN); send other files with"
                  + " POST /jobs/{id}/blobs"));
    }
    Path file = blobs.pathOf(id);
    Path part = file.resolveSibling(file.getFileName() + ".part");
    return extractRequestEntity(
        entity ->
            completeWithFuture(
                live(BlobStore.jobOf(id))
                    .thenCompose(
                        live -> {
                          if (!live) {
                            entity.discardBytes(asks.system());
                            return CompletableFuture.completedFuture(
                                responses.error(
                                    StatusCodes.CONFLICT,
                                    "job "
                                        + BlobStore.jobOf(id)
                                        + " has ended or is unknown; it takes no more files"));
                          }
                          return CompletableFuture.runAsync(() -> createParent(part), blocking)
                              .thenCompose(
                                  ignored ->
                                      entity
                                          .getDataBytes()
                                          .runWith(FileIO.toPath(part), asks.system()))
                              .thenApplyAsync(
                                  written -> {
                                    try {
                                      Files.move(
                                          part,
                                          file,
                                          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                                          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                                    } catch (IOException e) {
                                      throw new UncheckedIOException(e);
                                    }
                                    blobs.arrived(id);
                                    return responses.ok(
                                        StatusCodes.CREATED,
                                        Map.of("blob", id, "size", written.getCount()));
                                  },
                                  blocking)
                              .exceptionally(failure -> uploadFailed(id, failure));
                        })));
  }
}
