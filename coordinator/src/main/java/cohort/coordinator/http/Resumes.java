package cohort.coordinator.http;

import cohort.api.ResultFrames;
import cohort.coordinator.ClientRequests;
import cohort.coordinator.job.JobRequests;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.ResumePlan;
import cohort.coordinator.results.ResultLog;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Checks a job request with {@code resumeFrom} against the earlier job and reads that job's result
 * log for the inputs that succeeded there ({@link ResumePlan}), off the coordinator's thread: the
 * log may be long.
 */
final class Resumes {

  /**
   * The plan for a request, or why it is refused.
   *
   * @param plan the inputs to skip; null for a request that resumes no job
   * @param refusal the answer to a request that cannot resume its job, or null
   */
  record Planned(ResumePlan plan, HttpResponse refusal) {

    /** The submission of the request's job, resuming the earlier one if it does. */
    ClientRequests.SubmitJob submit(
        JobRequests.Parsed parsed,
        java.time.Duration wait,
        ActorRef<ClientRequests.SubmitReply> replyTo) {
      return new ClientRequests.SubmitJob(
          parsed.spec(), parsed.inputs(), parsed.taskCombiner(), wait, plan, replyTo);
    }
  }

  private static final Planned NONE = new Planned(null, null);

  private final Asks asks;
  private final Executor blocking;
  private final Responses responses;

  Resumes(Asks asks, Executor blocking, Responses responses) {
    this.asks = asks;
    this.blocking = blocking;
    this.responses = responses;
  }

  /** Plans the request's resume of job {@code from}; nothing to plan when {@code from} is null. */
  CompletionStage<Planned> plan(String from, JobRequests.Parsed parsed) {
    if (from == null) {
      return CompletableFuture.completedFuture(NONE);
    }
    if (parsed.inputs().isStreamed()) {
      return refused(
          StatusCodes.BAD_REQUEST,
          "resumeFrom needs the job's inputs in the request, the same as the first time: a"
              + " streamed job's inputs are not known when it starts");
    }
    return asks.ask((ActorRef<Optional<JobState>> r) -> new ClientRequests.GetJob(from, r))
        .thenComposeAsync(
            earlier -> {
              if (earlier.isEmpty()) {
                return refused(
                    StatusCodes.NOT_FOUND,
                    "job "
                        + from
                        + " is not known to this coordinator: it never ran here, or it ended so"
                        + " long ago that it is forgotten (cohort.coordinator.retained-jobs,"
                        + " COHORT_RETAINED_JOBS); submit the job without resumeFrom to run every"
                        + " input");
              }
              JobState job = earlier.get();
              Optional<String> refusal =
                  ResumePlan.refusal(job, parsed.spec(), parsed.inputs().size());
              if (refusal.isPresent()) {
                return refused(
                    job.terminal() ? StatusCodes.BAD_REQUEST : StatusCodes.CONFLICT, refusal.get());
              }
              return asks.ask(
                      (ActorRef<Optional<ResultLog>> r) -> new ClientRequests.OpenResults(from, r))
                  .thenApplyAsync(
                      log ->
                          log.map(results -> read(job, results))
                              .orElseGet(
                                  () ->
                                      new Planned(
                                          null,
                                          responses.error(
                                              StatusCodes.NOT_FOUND,
                                              "job "
                                                  + from
                                                  + " was forgotten while this request was read;"
                                                  + " submit the job without resumeFrom to run"
                                                  + " every input"))),
                      blocking);
            },
            blocking);
  }

  /** Reads the earlier job's results: blocking. */
  private Planned read(JobState job, ResultLog log) {
    try (InputStream frames =
        new BufferedInputStream(log.follow(false, new CompletableFuture<Void>()), 1 << 16)) {
      ResumePlan plan =
          ResumePlan.of(
              job.id(), job.available(), ResultFrames.read(frames), job.resumed().orElse(null));
      return new Planned(plan, null);
    } catch (IOException | RuntimeException e) {
      return new Planned(
          null,
          responses.error(
              StatusCodes.INTERNAL_SERVER_ERROR,
              "cannot read the results of job " + job.id() + " to resume it: " + e.getMessage()));
    }
  }

  private CompletionStage<Planned> refused(
      org.apache.pekko.http.javadsl.model.StatusCode status, String message) {
    return CompletableFuture.completedFuture(new Planned(null, responses.error(status, message)));
  }
}
