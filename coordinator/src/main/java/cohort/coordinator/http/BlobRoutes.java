package cohort.coordinator.http;

import cohort.coordinator.ClientRequests;
import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.job.JobState;
import cohort.task.FileRef;
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
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.javadsl.FileIO;

/**
 * The routes that move files: the files a job's inputs name ({@code POST /jobs/{id}/blobs}), the
 * files the nodes ask a client for ({@code GET /jobs/{id}/blobs}, {@code PUT /blobs/{job}/{n}}),
 * and those files' bytes for the nodes ({@code GET /blobs/{job}/{n}}). File work runs on the
 * blocking executor, never on the HTTP threads.
 */
final class BlobRoutes extends AllDirectives {

  /**
   * Bytes read from a blob's file at once when serving it. Pekko's default of 8 KiB makes a photo
   * of half a megabyte some 70 trips through the HTTP stream and as many socket writes.
   */
  private static final int BLOB_CHUNK = 256 * 1024;

  private final Asks asks;
  private final Executor blocking;
  private final BlobStore blobs;
  private final Responses responses;

  BlobRoutes(Asks asks, Executor blocking, BlobStore blobs, Responses responses) {
    this.asks = asks;
    this.blocking = blocking;
    this.blobs = blobs;
    this.responses = responses;
  }

  /**
   * {@code GET /blobs/{job}/{n}}, what nodes fetch, and {@code PUT /blobs/{job}/cN}, a kept file a
   * client sends once a node asked for it.
   */
  Route blobRoutes() {
    return path(
        PathMatchers.segment().slash(PathMatchers.segment()),
        (job, n) ->
            concat(
                get(() -> withoutRequestTimeout(() -> blob(job + "/" + n))),
                put(
                    () ->
                        withSizeLimit(
                            FileRef.MAX_BLOB_BYTES,
                            () -> withoutRequestTimeout(() -> deliver(job + "/" + n))))));
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
                        // Naming a blob looks at the disk (ids a restart left behind are skipped).
                        return CompletableFuture.supplyAsync(() -> blobs.newId(id), blocking)
                            .thenCompose(blob -> receive(entity, blob));
                      });
          return completeWithFuture(done);
        });
  }

  /** Writes the request's bytes as blob {@code blob}; 201 with its id and size. */
  private CompletionStage<HttpResponse> receive(
      org.apache.pekko.http.javadsl.model.RequestEntity entity, String blob) {
    Path file = blobs.pathOf(blob);
    return CompletableFuture.runAsync(() -> createParent(file), blocking)
        .thenCompose(ignored -> entity.getDataBytes().runWith(FileIO.toPath(file), asks.system()))
        .thenApplyAsync(
            written -> {
              blobs.written(blob);
              return written;
            },
            blocking)
        .handle(
            (written, failure) ->
                failure == null
                    ? responses.ok(
                        StatusCodes.CREATED, Map.of("blob", blob, "size", written.getCount()))
                    : uploadFailed(blob, failure));
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
                                      .thenCompose(sent -> sentOrNot(id, file, sent))
                                  : CompletableFuture.completedFuture(gone(id)));
                }));
  }

  /**
   * The bytes once the client sent them; when it did not, 404 if the job ended meanwhile (the blob
   * will never come), 503 if the client is only late.
   */
  private CompletionStage<HttpResponse> sentOrNot(String id, Path file, boolean sent) {
    if (sent) {
      return CompletableFuture.completedFuture(serve(file));
    }
    return live(BlobStore.jobOf(id))
        .thenApply(
            live ->
                live
                    ? responses.error(
                        StatusCodes.SERVICE_UNAVAILABLE,
                        "the client did not send the bytes of "
                            + id
                            + " within "
                            + CLIENT_SEND_WAIT.toMinutes()
                            + " min; a client must follow its job while it runs")
                    : gone(id));
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

  /** The files a job's client kept that nodes asked for, waiting up to {@code wait} for one. */
  Route wanted(String id, Optional<String> waitParameter) {
    Duration wait;
    try {
      wait = waitParameter.map(HttpApi::parseWait).orElse(Duration.ZERO);
    } catch (IllegalArgumentException e) {
      return complete(responses.error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
    return withoutRequestTimeout(() -> wanted(id, wait));
  }

  /**
   * The client asks which of the files it keeps nodes want ({@code GET /jobs/{id}/blobs}): answers
   * their blob ids as soon as there are some, or an empty list after {@code wait}; {@code "ended":
   * true} once the job has ended, when the client may stop asking.
   */
  private Route wanted(String id, Duration wait) {
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
                                    blobs.written(id);
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
