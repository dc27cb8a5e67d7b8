package cohort.coordinator.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.head;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.put;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;
import static org.apache.pekko.http.javadsl.server.Directives.withoutRequestTimeout;

import cohort.api.JobRequest;
import cohort.api.broadcast.Broadcasts;
import cohort.api.code.CodeRef;
import cohort.coordinator.broadcast.BroadcastStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.FileIO;

/**
 * The routes of broadcasts: {@code PUT /broadcasts/{sha256}} from clients, {@code GET
 * /broadcasts/{sha256}} for nodes (streamed from the file on a connection of its own, never through
 * cluster messages), {@code HEAD} to ask whether it is here; and the check that a submission's
 * broadcasts are all here ({@link #refusal}). File work runs on the blocking executor.
 */
final class BroadcastRoutes {

  private final ActorSystem<?> system;
  private final Executor blocking;
  private final BroadcastStore store;
  private final Responses responses;

  BroadcastRoutes(
      ActorSystem<?> system, Executor blocking, BroadcastStore store, Responses responses) {
    this.system = system;
    this.blocking = blocking;
    this.store = store;
    this.responses = responses;
  }

  /** {@code /broadcasts/{sha256}}: {@code PUT} one, {@code GET} (or {@code HEAD}) it. */
  Route routes() {
    return path(
        PathMatchers.segment(),
        digest ->
            concat(
                get(() -> withoutRequestTimeout(() -> checked(digest, this::serve))),
                head(() -> checked(digest, this::present)),
                put(
                    () ->
                        withSizeLimit(
                            store.maxBytes(),
                            () -> withoutRequestTimeout(() -> checked(digest, this::upload))))));
  }

  /**
   * Why the submission cannot run for its broadcasts, or empty when it names none or all are here.
   */
  CompletionStage<Optional<HttpResponse>> refusal(JobRequest request) {
    if (request == null || request.broadcast() == null || request.broadcast().isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Map<String, String> named;
    try {
      named = Broadcasts.check(request.broadcast());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          Optional.of(responses.error(StatusCodes.BAD_REQUEST, e.getMessage())));
    }
    return CompletableFuture.supplyAsync(
        () ->
            store
                .missing(named)
                .map(
                    name ->
                        responses.error(
                            StatusCodes.BAD_REQUEST,
                            "broadcast '"
                                + name
                                + "' ("
                                + named.get(name)
                                + ") is not on the coordinator; upload its file with PUT"
                                + " /broadcasts/"
                                + named.get(name)
                                + " first (cohort submit --broadcast "
                                + name
                                + "=FILE does it for you)")),
        blocking);
  }

  private Route checked(String digest, Function<String, Route> route) {
    try {
      return route.apply(CodeRef.checkDigest(digest));
    } catch (IllegalArgumentException e) {
      return complete(responses.error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
  }

  private Route serve(String digest) {
    return completeWithFuture(
        CompletableFuture.supplyAsync(() -> store.file(digest), blocking)
            .thenApply(
                kept ->
                    kept.map(
                            file ->
                                HttpResponse.create()
                                    .withEntity(
                                        HttpEntities.create(
                                            ContentTypes.APPLICATION_OCTET_STREAM, file)))
                        .orElseGet(() -> notHere(digest))));
  }

  /** {@code HEAD}: 200 when the broadcast is here, 404 when not; no body either way. */
  private Route present(String digest) {
    return completeWithFuture(
        CompletableFuture.supplyAsync(() -> store.file(digest).isPresent(), blocking)
            .thenApply(
                here ->
                    HttpResponse.create()
                        .withStatus(here ? StatusCodes.OK : StatusCodes.NOT_FOUND)));
  }

  private HttpResponse notHere(String digest) {
    return responses.error(
        StatusCodes.NOT_FOUND,
        "broadcast "
            + digest
            + " is not on the coordinator; upload it with PUT /broadcasts/"
            + digest);
  }

  private Route upload(String digest) {
    return extractRequestEntity(
        entity ->
            completeWithFuture(
                CompletableFuture.supplyAsync(() -> store.file(digest).isPresent(), blocking)
                    .thenCompose(
                        present -> {
                          if (present) {
                            entity.discardBytes(system);
                            return CompletableFuture.completedFuture(
                                responses.ok(StatusCodes.OK, Map.of("broadcast", digest)));
                          }
                          return CompletableFuture.supplyAsync(store::receiving, blocking)
                              .thenCompose(file -> receive(entity, digest, file));
                        })));
  }

  private CompletionStage<HttpResponse> receive(RequestEntity entity, String digest, Path file) {
    return entity
        .getDataBytes()
        .runWith(FileIO.toPath(file), system)
        .thenApplyAsync(
            written -> {
              store.keep(digest, file);
              return responses.ok(StatusCodes.CREATED, Map.of("broadcast", digest));
            },
            blocking)
        .exceptionally(
            failure -> {
              CompletableFuture.runAsync(() -> file.toFile().delete(), blocking);
              Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
              for (Throwable at = cause; at != null; at = at.getCause()) {
                if (at instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException) {
                  return responses.error(
                      StatusCodes.PAYLOAD_TOO_LARGE,
                      "a broadcast may have at most "
                          + (store.maxBytes() >> 20)
                          + " MiB ("
                          + BroadcastStore.MAX_BYTES_KEY
                          + "); read larger data from storage every node mounts");
                }
              }
              return responses.error(
                  StatusCodes.BAD_REQUEST,
                  cause instanceof IllegalArgumentException
                      ? cause.getMessage()
                      : "the upload of broadcast " + digest + " broke: " + cause.getMessage());
            });
  }
}
