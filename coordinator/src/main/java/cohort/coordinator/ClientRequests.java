package cohort.coordinator;

import cohort.api.TaskInfo;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.ResultBlock;
import cohort.coordinator.job.ResumePlan;
import cohort.coordinator.metrics.NodeFigures;
import cohort.coordinator.results.ResultLog;
import cohort.protocol.CoordinatorProtocol;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the HTTP API asks of the {@link Coordinator}, and the answers it gets: domain outcomes,
 * which the HTTP layer maps to status codes and JSON. These messages never leave the coordinator's
 * JVM, so they carry immutable domain values ({@link JobState}, {@link NodeTable}) as they are.
 */
public interface ClientRequests {

  /**
   * Accept a job, once a node has checked its task and parameters.
   *
   * @param taskCombiner use the task's default combiner, as the job named none
   * @param waitFor zero to answer {@link Accepted} at once; otherwise answer {@link Completed} when
   *     the job ends or this time has passed, whichever is first
   * @param resume the earlier job's inputs to skip, for a job that resumes one; null otherwise
   */
  record SubmitJob(
      JobSpec spec,
      InputSource inputs,
      boolean taskCombiner,
      Duration waitFor,
      ResumePlan resume,
      ActorRef<SubmitReply> replyTo)
      implements CoordinatorProtocol.Command {

    /** A submission of a job that resumes none. */
    public SubmitJob(
        JobSpec spec,
        InputSource inputs,
        boolean taskCombiner,
        Duration waitFor,
        ActorRef<SubmitReply> replyTo) {
      this(spec, inputs, taskCombiner, waitFor, null, replyTo);
    }

    /** A submission answered as soon as the job is accepted. */
    public SubmitJob(
        JobSpec spec, InputSource inputs, boolean taskCombiner, ActorRef<SubmitReply> replyTo) {
      this(spec, inputs, taskCombiner, Duration.ZERO, replyTo);
    }
  }

  /** Answer to {@link SubmitJob}. */
  sealed interface SubmitReply {}

  /** The job was accepted. */
  record Accepted(JobState job) implements SubmitReply {}

  /**
   * A job submitted with a wait ended, or the wait ran out first (the job is not terminal).
   *
   * @param results every result in delivery order, or null when the wait ran out or there were more
   *     than {@link #MAX_INLINE_RESULTS}: then they are read from the job's result log
   */
  record Completed(JobState job, List<ResultBlock> results) implements SubmitReply {}

  /** Results a waited job answers with at most; beyond, they are read from its result log. */
  int MAX_INLINE_RESULTS = 10_000;

  /** Why a request was refused. */
  enum Refusal {
    /** The request is wrong: an unknown task, bad parameters. */
    INVALID(400),
    /** The cluster cannot take it now: no node, every node busy leaving; try again. */
    UNAVAILABLE(503),
    /** No job has this id. */
    UNKNOWN_JOB(404),
    /** The job takes no more inputs: it ended, or its inputs did, or it had them all at once. */
    NO_MORE_INPUTS(409),
    /** The job would have more inputs than one job may. */
    TOO_MANY_INPUTS(413),
    /** The coordinator runs as many jobs as it takes: try again when some have ended. */
    BUSY(429);

    private final int httpStatus;

    Refusal(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /** The HTTP status the API answers this refusal with; in-process clients report it too. */
    public int httpStatus() {
      return httpStatus;
    }
  }

  /**
   * The request was refused.
   *
   * @param error what is wrong and how to fix it
   */
  record Refused(Refusal why, String error) implements SubmitReply, InputsReply, InputsChecked {

    /** The refusal of a request for a job the coordinator does not know. */
    public static Refused unknownJob(String id) {
      return new Refused(Refusal.UNKNOWN_JOB, "no job '" + id + "'; GET /jobs lists the jobs");
    }

    /** The refusal of inputs for a job that ended. */
    public static Refused ended(JobState job) {
      return new Refused(
          Refusal.NO_MORE_INPUTS,
          "job " + job.id() + " is " + job.phase() + "; it takes no more inputs");
    }
  }

  /** The job's state, or empty for an unknown id. */
  record GetJob(String id, ActorRef<Optional<JobState>> replyTo)
      implements CoordinatorProtocol.Command {}

  /** Every job the coordinator remembers, oldest first. */
  record ListJobs(ActorRef<List<JobState>> replyTo) implements CoordinatorProtocol.Command {}

  /** Cancel a job; answers its state after the cancel, or empty for an unknown id. */
  record CancelJob(String id, ActorRef<Optional<JobState>> replyTo)
      implements CoordinatorProtocol.Command {}

  /** The job's result log, or empty for an unknown id. */
  record OpenResults(String id, ActorRef<Optional<ResultLog>> replyTo)
      implements CoordinatorProtocol.Command {}

  /**
   * Append inputs to a streamed job. The answer waits until the job has room for them, which is how
   * a slow cluster slows the producer down.
   */
  record AddInputs(String id, List<JsonNode> inputs, ActorRef<InputsReply> replyTo)
      implements CoordinatorProtocol.Command {}

  /** A streamed job's inputs have ended. */
  record CloseInputs(String id, ActorRef<InputsReply> replyTo)
      implements CoordinatorProtocol.Command {}

  /** A streamed job's upload broke: cancel the job, since its inputs cannot be complete. */
  record AbortInputs(String id, String reason) implements CoordinatorProtocol.Command {}

  /**
   * Check a streamed job's first inputs against its task before they go in: a node converts them to
   * the task's input type. The upload asks before each part it sends until one input fits, or none
   * of the first {@link cohort.coordinator.job.InputSamples#MAX} did ({@link
   * cohort.coordinator.job.StreamSamples}).
   *
   * @param samples the inputs to check, at most {@link cohort.coordinator.job.InputSamples#MAX}
   */
  record CheckInputs(String id, List<JsonNode> samples, ActorRef<InputsChecked> replyTo)
      implements CoordinatorProtocol.Command {}

  /** Answer to {@link CheckInputs}. */
  sealed interface InputsChecked {}

  /**
   * One of the inputs fits the task (or no node could check them, which is not the job's fault).
   */
  record InputsFit() implements InputsChecked {}

  /**
   * None of the inputs fits the task.
   *
   * @param error the node's word on the first, such as {@code task 'sleep' takes integer inputs,
   *     not "abc"}
   */
  record InputsMisfit(String error) implements InputsChecked {}

  /** Answer to {@link AddInputs} and {@link CloseInputs}. */
  sealed interface InputsReply {}

  /** The inputs were admitted; the job has {@code total} inputs so far. */
  record InputsAccepted(long total) implements InputsReply {}

  /**
   * The HTTP API serves at {@code url}: nodes fetch file inputs from there with {@code nodeToken}.
   */
  record HttpServing(String url, String nodeToken) implements CoordinatorProtocol.Command {

    /** Before the API serves: nodes hear no URL and no token yet. */
    static final HttpServing NOT_YET = new HttpServing(null, null);

    @Override
    public String toString() {
      return "HttpServing[url=" + url + "]";
    }
  }

  /** The nodes and their slots. */
  record GetCluster(ActorRef<ClusterView> replyTo) implements CoordinatorProtocol.Command {}

  /**
   * The cluster as the coordinator sees it.
   *
   * @param coordinator the coordinator's cluster address
   * @param activeJobs jobs not finished yet
   * @param figures what each node ran and reported, and the nodes that left
   * @param resultLogBytes the bytes in the result logs of the jobs it remembers
   */
  record ClusterView(
      String coordinator,
      NodeTable nodes,
      int activeJobs,
      NodeFigures figures,
      long resultLogBytes) {

    /** A view without figures: nodes that ran nothing and reported nothing, no results. */
    public ClusterView(String coordinator, NodeTable nodes, int activeJobs) {
      this(coordinator, nodes, activeJobs, NodeFigures.empty(), 0);
    }
  }

  /** Every task some node offers. */
  record GetTasks(ActorRef<List<TaskInfo>> replyTo) implements CoordinatorProtocol.Command {}
}
