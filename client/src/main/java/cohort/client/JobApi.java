package cohort.client;

import cohort.api.ClusterStatus;
import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.api.TaskInfo;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a program asks of a coordinator about jobs, however it reaches it: over HTTP ({@link
 * CohortClient}), or in the coordinator's own JVM, where {@code cohort submit}'s in-process cluster
 * skips HTTP altogether. Inputs streamed while a job runs and file bytes travel over HTTP only
 * ({@link CohortClient#sendInputs}, {@link CohortClient#sendBlob}).
 *
 * <p>Every method throws {@link CohortException} when the coordinator cannot be reached or refuses
 * the request; its message is the coordinator's explanation and {@link CohortException#httpStatus}
 * the status the HTTP API answers with for the same refusal.
 */
public interface JobApi {

  /** Submits a job; returns its status as accepted. */
  JobStatus submit(JobRequest request);

  /** A job's status. */
  JobStatus status(String id);

  /** Every job the coordinator remembers, oldest first. */
  List<JobStatus> jobs();

  /** Cancels a job; returns its status after the cancel. */
  JobStatus cancel(String id);

  /** The nodes and their slots. */
  ClusterStatus cluster();

  /** The tasks the cluster's nodes offer. */
  List<TaskInfo> tasks();

  /**
   * A job's results as JSON lines ({@code {"index":0,"input":1,"output":1}}), from the first; the
   * stream ends when the job does. Close it to stop reading early.
   */
  Stream<String> resultLines(String id);

  /**
   * A job's results as typed values, from the first; the stream ends when the job does. Close it to
   * stop reading early.
   */
  Stream<Result> results(String id);

  /**
   * A job's results as JSON lines from the {@code from}-th on, in the order the coordinator keeps
   * them: what a reader that lost its stream after {@code from} lines has not seen.
   */
  default Stream<String> resultLines(String id, long from) {
    return resultLines(id).skip(from);
  }

  /** A job's results as typed values from the {@code from}-th on; see {@link #resultLines}. */
  default Stream<Result> results(String id, long from) {
    return results(id).skip(from);
  }
}
