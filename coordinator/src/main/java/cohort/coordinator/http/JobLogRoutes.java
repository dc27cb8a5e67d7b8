package cohort.coordinator.http;

import cohort.coordinator.ClientRequests;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.Phase;
import cohort.coordinator.joblog.JobLogReader;
import cohort.coordinator.joblog.JobLogRow;
import cohort.coordinator.results.ResultLog;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /jobs/{id}/log}: a job's log as tab-separated text in the manner of GNU parallel's
 * {@code --joblog} ({@link JobLogRow}), streamed from the file beside its result log. While the job
 * runs it holds the rows so far; once the job ended, every input has a row, those without a result
 * as {@code cancelled} or {@code never run}.
 */
final class JobLogRoutes extends AllDirectives {

  /** The media type of job logs. */
  static final ContentType TSV =
      ContentTypes.create(MediaTypes.TEXT_TAB_SEPARATED_VALUES, HttpCharsets.UTF_8);

  private final Asks asks;
  private final Executor blocking;
  private final Responses responses;

  JobLogRoutes(Asks asks, Executor blocking, Responses responses) {
    this.asks = asks;
    this.blocking = blocking;
    this.responses = responses;
  }

  /** The route, under {@code /jobs}. */
  Route route() {
    return path(PathMatchers.segment().slash("log"), id -> get(() -> jobLog(id)));
  }

  private Route jobLog(String id) {
    return completeWithFuture(
        asks.ask((ActorRef<Optional<JobState>> r) -> new ClientRequests.GetJob(id, r))
            .thenCompose(
                job ->
                    asks.ask(
                            (ActorRef<Optional<ResultLog>> r) ->
                                new ClientRequests.OpenResults(id, r))
                        .thenCompose(
                            log ->
                                job.isEmpty() || log.isEmpty()
                                    ? CompletableFuture.completedFuture(responses.unknownJob(id))
                                    : serve(job.get(), log.get()))));
  }

  private CompletionStage<HttpResponse> serve(JobState job, ResultLog log) {
    // response() looks at the files: on the blocking pool, never on the thread of the ask's reply.
    if (!job.terminal()) {
      return CompletableFuture.supplyAsync(() -> response(job, log, null), blocking);
    }
    // The writer ends after the job: its last rows are in once the result log is complete.
    String missing = job.phase() == Phase.CANCELLED ? JobLogRow.CANCELLED : JobLogRow.NEVER_RUN;
    return log.whenClosed(blocking).thenApplyAsync(closed -> response(job, log, missing), blocking);
  }

  private HttpResponse response(JobState job, ResultLog log, String missing) {
    try {
      Optional<String> none = JobLogReader.absent(log.file());
      if (none.isPresent()) {
        return responses.error(StatusCodes.NOT_FOUND, "job " + job.id() + ": " + none.get());
      }
    } catch (java.io.IOException e) {
      return responses.error(
          StatusCodes.INTERNAL_SERVER_ERROR,
          "cannot read the job log of job " + job.id() + ": " + e.getMessage());
    }
    java.util.function.LongPredicate skipped =
        job.resumed()
            .<java.util.function.LongPredicate>map(plan -> plan.done()::contains)
            .orElse(index -> false);
    // Opened once the response streams, on the stream's blocking dispatcher, and closed with it.
    Source<ByteString, ?> rows =
        Source.unfoldResource(
            () -> JobLogReader.open(log.file(), job.available(), missing, skipped),
            reader -> Optional.ofNullable(reader.next()).map(ByteString::fromArray),
            JobLogReader::close);
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(HttpEntities.createChunked(TSV, rows));
  }
}
