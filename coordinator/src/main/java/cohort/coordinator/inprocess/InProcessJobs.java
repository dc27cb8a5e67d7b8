package cohort.coordinator.inprocess;

import cohort.api.ClusterStatus;
import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.api.TaskInfo;
import cohort.client.CohortException;
import cohort.client.JobApi;
import cohort.client.ResultStreams;
import cohort.coordinator.ClientRequests;
import cohort.coordinator.ClientRequests.Accepted;
import cohort.coordinator.ClientRequests.ClusterView;
import cohort.coordinator.ClientRequests.Refused;
import cohort.coordinator.ClientRequests.SubmitReply;
import cohort.coordinator.LocalCoordinator;
import cohort.coordinator.http.ApiViews;
import cohort.coordinator.job.JobRequests;
import cohort.coordinator.job.JobState;
import cohort.coordinator.results.ResultLog;
import cohort.protocol.CoordinatorProtocol;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A client of a coordinator in its own JVM: the HTTP API's job requests, answered by the
 * coordinator actor directly, with the same checks, views and refusals, and results read from the
 * job's result log in place. {@code cohort submit}'s in-process cluster uses it for jobs whose
 * inputs are all in the request, so it starts no HTTP server or client at all; a streamed job's
 * inputs and files still travel over HTTP. Thread-safe.
 */
public final class InProcessJobs implements JobApi {

  private final LocalCoordinator local;
  private final Clock clock = Clock.systemUTC();

  public InProcessJobs(LocalCoordinator local) {
    this.local = local;
  }

  @Override
  public JobStatus submit(JobRequest request) {
    JobRequests.Parsed parsed;
    try {
      parsed = JobRequests.parse(request);
    } catch (IllegalArgumentException e) {
      throw new CohortException(e.getMessage(), 400, e);
    }
    SubmitReply reply =
        ask(
            (ActorRef<SubmitReply> replyTo) ->
                new ClientRequests.SubmitJob(
                    parsed.spec(), parsed.inputs(), parsed.taskCombiner(), replyTo));
    if (reply instanceof Accepted accepted) {
      return view(accepted.job());
    }
    // Submitted without a wait, a job is accepted or refused.
    throw refused((Refused) reply);
  }

  @Override
  public JobStatus status(String id) {
    return known(id, ask((ActorRef<Optional<JobState>> r) -> new ClientRequests.GetJob(id, r)));
  }

  @Override
  public List<JobStatus> jobs() {
    return ask(ClientRequests.ListJobs::new).stream().map(this::view).toList();
  }

  @Override
  public JobStatus cancel(String id) {
    return known(id, ask((ActorRef<Optional<JobState>> r) -> new ClientRequests.CancelJob(id, r)));
  }

  @Override
  public ClusterStatus cluster() {
    return ApiViews.cluster(ask((ActorRef<ClusterView> r) -> new ClientRequests.GetCluster(r)));
  }

  @Override
  public List<TaskInfo> tasks() {
    return ask((ActorRef<List<TaskInfo>> r) -> new ClientRequests.GetTasks(r));
  }

  @Override
  public Stream<String> resultLines(String id) {
    return ResultStreams.lines(
        openResults(id).follow(true, local.system().getWhenTerminated()), e -> broken(id, e));
  }

  @Override
  public Stream<Result> results(String id) {
    return ResultStreams.results(
        openResults(id).follow(false, local.system().getWhenTerminated()), e -> broken(id, e));
  }

  private ResultLog openResults(String id) {
    Optional<ResultLog> log =
        ask((ActorRef<Optional<ResultLog>> r) -> new ClientRequests.OpenResults(id, r));
    return log.orElseThrow(() -> refused(Refused.unknownJob(id)));
  }

  private JobStatus known(String id, Optional<JobState> job) {
    return job.map(this::view).orElseThrow(() -> refused(Refused.unknownJob(id)));
  }

  private JobStatus view(JobState job) {
    return ApiViews.status(job, clock.instant());
  }

  /** The refusal as the HTTP API would answer it: its message, and its status. */
  static CohortException refused(Refused refused) {
    return new CohortException(refused.error(), refused.why().httpStatus(), null);
  }

  private static CohortException broken(String id, IOException e) {
    return new CohortException(
        "reading the results of job " + id + " broke: " + e.getMessage(), 500, e);
  }

  private CohortException notAnswered(Throwable timeout) {
    return new CohortException(
        "the coordinator did not answer within " + local.askTimeout().toSeconds() + " s",
        0,
        timeout);
  }

  /** Asks the coordinator and waits as long as the HTTP API would. */
  private <T> T ask(Function<ActorRef<T>, CoordinatorProtocol.Command> message) {
    try {
      return AskPattern.ask(
              local.coordinator(), message::apply, local.askTimeout(), local.system().scheduler())
          .toCompletableFuture()
          .get(local.askTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw notAnswered(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) {
        throw notAnswered(e.getCause());
      }
      throw new CohortException(
          "the coordinator did not answer: " + e.getCause().getMessage(), 0, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CohortException("interrupted while waiting for the coordinator", 0, e);
    }
  }
}
