package cohort.coordinator.http;

import cohort.api.ResultFrames;
import cohort.coordinator.ClientRequests;
import cohort.coordinator.results.ResultLog;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /jobs/{id}/results}: a job's results as JSON lines or frames, from any position. */
final class ResultRoutes extends AllDirectives {

  /** The media type of result frames. */
  static final ContentType FRAMES =
      ContentTypes.create(MediaTypes.customBinary("application", "x-cohort-results", false));

  private final Asks asks;
  private final Executor blocking;
  private final Responses responses;

  /**
   * @param blocking runs the reads of the result log's file
   */
  ResultRoutes(Asks asks, Executor blocking, Responses responses) {
    this.asks = asks;
    this.blocking = blocking;
    this.responses = responses;
  }

  /**
   * A job's results, streamed while it runs: JSON lines, or with {@code Accept:} {@link
   * ResultFrames#MEDIA_TYPE} the compact frames the coordinator keeps. With {@code ?from=N} they
   * start at the N-th result in the order the log holds them, so a client that lost its stream goes
   * on where it stopped: lines from exactly there; frames from the one that holds it, whose
   * position the header {@value #RESULTS_FROM} gives.
   */
  Route results(String id, Optional<String> fromParameter) {
    long from;
    try {
      from = fromParameter.map(ResultRoutes::resultIndex).orElse(0L);
    } catch (IllegalArgumentException e) {
      return complete(responses.error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
    return optionalHeaderValueByName(
        "Accept",
        accept -> {
          boolean frames =
              accept.map(value -> value.contains(ResultFrames.MEDIA_TYPE)).orElse(false);
          return completeWithFuture(
              asks.ask((ActorRef<Optional<ResultLog>> r) -> new ClientRequests.OpenResults(id, r))
                  .thenCompose(
                      found ->
                          found
                              .map(log -> results(log, from, frames))
                              .orElseGet(
                                  () ->
                                      CompletableFuture.completedFuture(
                                          responses.unknownJob(id)))));
        });
  }

  /** The header that says which result a stream of frames starts at. */
  static final String RESULTS_FROM = "Cohort-Results-From";

  private static long resultIndex(String text) {
    try {
      long from = Long.parseLong(text.strip());
      if (from >= 0) {
        return from;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(
        "'from' must be how many results to leave out, 0 or more; it was '" + text + "'");
  }

  private CompletionStage<HttpResponse> results(ResultLog log, long from, boolean frames) {
    CompletionStage<ResultLog.Start> start =
        from == 0
            ? CompletableFuture.completedFuture(ResultLog.Start.FIRST)
            : CompletableFuture.supplyAsync(() -> log.startAt(from), blocking);
    return start.thenApply(
        at ->
            frames
                ? HttpResponse.create()
                    .withStatus(StatusCodes.OK)
                    .addHeader(RawHeader.create(RESULTS_FROM, Long.toString(at.results())))
                    .withEntity(HttpEntities.createChunked(FRAMES, log.source(blocking, at)))
                : HttpResponse.create()
                    .withStatus(StatusCodes.OK)
                    .withEntity(
                        HttpEntities.createChunked(HttpApi.NDJSON, log.jsonLines(blocking, at))));
  }
}
