package cohort.protocol;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Messages a node's worker actor receives from the coordinator.
 *
 * <p>The coordinator sends a node work only while the node has free credit (a free slot, or room in
 * the slot's short prefetch queue), so these messages never pile up in the transport.
 */
public interface WorkerProtocol {

  /** Every message a worker accepts. */
  interface Command {}

  /**
   * Run the task on a contiguous run of a job's inputs and report to {@code replyTo}.
   *
   * @param jobId the job the inputs belong to
   * @param batchId unique within the job; a result for a batch id the coordinator no longer expects
   *     is a duplicate and is dropped there
   * @param task the task and its parameters
   * @param firstIndex the job-wide index of {@code inputs.get(0)}
   * @param inputs the inputs, in index order
   * @param attempt 1 for a first run, more when the inputs are being run again
   * @param taskTimeoutMillis how long one input may run before it is interrupted; 0 for no limit
   * @param replyTo where {@link CoordinatorProtocol.BatchFinished} goes
   * @param confirmStart the batch runs again after a failure or a lost node: before it runs, the
   *     node asks with {@link CoordinatorProtocol.StartRequested} and waits for {@link
   *     StartConfirmed}, so that if the node dies while it runs, the coordinator knows it ran
   */
  // Sent once per batch, so encoded as an array: no field names to write and look up each time.
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({
    "jobId",
    "batchId",
    "task",
    "firstIndex",
    "inputs",
    "attempt",
    "taskTimeoutMillis",
    "replyTo"
  })
  record RunBatch(
      String jobId,
      long batchId,
      TaskSpec task,
      long firstIndex,
      Values inputs,
      int attempt,
      long taskTimeoutMillis,
      ActorRef<CoordinatorProtocol.Command> replyTo,
      boolean confirmStart)
      implements Command, CborSerializable {
    public RunBatch {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(replyTo, "replyTo");
      Objects.requireNonNull(inputs, "inputs");
    }
  }

  /**
   * Several small batches for the node at once: what one round of dispatch sends it, in one
   * message, column by column so that the many small batches of tiny tasks cost little to encode
   * and decode. Each batch keeps its own id, credit and result; only the transport is shared. A
   * batch that must confirm its start travels alone, as a {@link RunBatch}.
   *
   * @param replyTo where the results go
   * @param jobs the distinct jobs of these batches
   * @param tasks each job's task
   * @param timeouts each job's task timeout in milliseconds
   * @param job each batch's job, as an index into {@code jobs}
   * @param batchIds each batch's id
   * @param firstIndexes each batch's first input index
   * @param attempts each batch's attempt
   * @param inputs each batch's inputs
   */
  record RunBatches(
      ActorRef<CoordinatorProtocol.Command> replyTo,
      List<String> jobs,
      List<TaskSpec> tasks,
      long[] timeouts,
      int[] job,
      long[] batchIds,
      long[] firstIndexes,
      int[] attempts,
      List<Values> inputs)
      implements Command, CborSerializable {

    /** Packs batches that all answer to the same coordinator. */
    public static RunBatches of(List<RunBatch> batches) {
      List<String> jobs = new java.util.ArrayList<>();
      List<TaskSpec> tasks = new java.util.ArrayList<>();
      List<Long> timeouts = new java.util.ArrayList<>();
      int n = batches.size();
      int[] job = new int[n];
      long[] batchIds = new long[n];
      long[] firstIndexes = new long[n];
      int[] attempts = new int[n];
      List<Values> inputs = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        RunBatch batch = batches.get(i);
        if (batch.confirmStart()) {
          throw new IllegalArgumentException(
              "batch " + batch.batchId() + " confirms its start and must travel alone");
        }
        int known = jobs.indexOf(batch.jobId());
        if (known < 0) {
          known = jobs.size();
          jobs.add(batch.jobId());
          tasks.add(batch.task());
          timeouts.add(batch.taskTimeoutMillis());
        }
        job[i] = known;
        batchIds[i] = batch.batchId();
        firstIndexes[i] = batch.firstIndex();
        attempts[i] = batch.attempt();
        inputs.add(batch.inputs());
      }
      return new RunBatches(
          batches.get(0).replyTo(),
          jobs,
          tasks,
          timeouts.stream().mapToLong(Long::longValue).toArray(),
          job,
          batchIds,
          firstIndexes,
          attempts,
          inputs);
    }

    /** The batches, one record each. */
    public List<RunBatch> batches() {
      List<RunBatch> batches = new java.util.ArrayList<>(batchIds.length);
      for (int i = 0; i < batchIds.length; i++) {
        int j = job[i];
        batches.add(
            new RunBatch(
                jobs.get(j),
                batchIds[i],
                tasks.get(j),
                firstIndexes[i],
                inputs.get(i),
                attempts[i],
                timeouts[j],
                replyTo,
                false));
      }
      return batches;
    }
  }

  /**
   * Answer to {@link CoordinatorProtocol.StartRequested}.
   *
   * @param run true to run the batch now; false when the coordinator no longer expects it (its job
   *     was cancelled, or the node was taken for lost), and then the node reports it dropped
   */
  record StartConfirmed(CoordinatorProtocol.BatchKey batch, boolean run)
      implements Command, CborSerializable {}

  /**
   * Give back those of these batches that have not started here, so that idle slots elsewhere run
   * them; answered with {@link CoordinatorProtocol.BatchesReturned}, which lists the batches given
   * back. A batch that started, or that the node no longer holds, stays where it is.
   *
   * @param replyTo the coordinator
   */
  record ReturnQueued(
      List<CoordinatorProtocol.BatchKey> batches, ActorRef<CoordinatorProtocol.Command> replyTo)
      implements Command, CborSerializable {
    public ReturnQueued {
      batches = List.copyOf(batches);
    }
  }

  /**
   * The coordinator took this node for lost for a while (its failure detector doubted it) and ran
   * these batches' inputs elsewhere; their results here would be dropped. The node drops those
   * still queued and interrupts those running, reporting each as it does a cancelled one, so that
   * the slots they hold take work that counts again.
   */
  record DropBatches(List<CoordinatorProtocol.BatchKey> batches)
      implements Command, CborSerializable {
    /** Batches named in one message: a few tens of bytes each, well within a message's size. */
    public static final int MAX_BATCHES = 1000;

    public DropBatches {
      batches = List.copyOf(batches);
    }

    /** The messages that name these batches, in order: a node with many slots holds thousands. */
    public static List<DropBatches> inParts(List<CoordinatorProtocol.BatchKey> batches) {
      List<DropBatches> parts = new java.util.ArrayList<>();
      for (int from = 0; from < batches.size(); from += MAX_BATCHES) {
        parts.add(
            new DropBatches(batches.subList(from, Math.min(batches.size(), from + MAX_BATCHES))));
      }
      return parts;
    }
  }

  /** Stop every queued and running input of the job on this node. */
  record CancelJob(String jobId) implements Command, CborSerializable {}

  /**
   * The job ended (finished, failed or was cancelled): what the node keeps for it, such as the
   * result of its task's per-node setup, is released once its last input here has returned. Sent to
   * every node; a node that never ran the job ignores it.
   */
  record JobEnded(String jobId) implements Command, CborSerializable {
    public JobEnded {
      Objects.requireNonNull(jobId, "jobId");
    }
  }

  /**
   * Check that this node can bind the task and its parameters, and that the job's first inputs
   * convert to the task's input type; answer {@link TaskChecked}. Only the node knows the task's
   * classes (a plugin's among them), so the check of the inputs travels with the task's.
   *
   * @param samples the job's first inputs, at most {@link #MAX_SAMPLES} and {@link
   *     Payloads#TARGET_MESSAGE_BYTES} in all; empty when the job has none yet (a streamed job)
   */
  record CheckTask(TaskSpec task, List<JsonNode> samples, ActorRef<TaskChecked> replyTo)
      implements Command, CborSerializable {

    /** Inputs a check carries at most. */
    public static final int MAX_SAMPLES = 8;

    public CheckTask {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(replyTo, "replyTo");
      samples = List.copyOf(samples);
      if (samples.size() > MAX_SAMPLES) {
        throw new IllegalArgumentException(
            "a task check carries at most " + MAX_SAMPLES + " inputs, not " + samples.size());
      }
    }

    /** A check of the task and its parameters alone. */
    public CheckTask(TaskSpec task, ActorRef<TaskChecked> replyTo) {
      this(task, List.of(), replyTo);
    }
  }

  /**
   * Answer to {@link CheckTask}.
   *
   * @param error null when the task and its parameters are fine, otherwise what is wrong and how to
   *     fix it
   * @param inputError null when one of the samples converts to the task's input type (or there were
   *     none); otherwise why the first does not, such as {@code task 'sum-range' takes object
   *     {start: integer, end: integer} inputs, not 0}. Only one of the two is set.
   */
  record TaskChecked(String error, String inputError) implements CborSerializable {

    /** A verdict on the task and its parameters, with no word on inputs. */
    public TaskChecked(String error) {
      this(error, null);
    }

    /** Whether the task and its parameters are fine. */
    public boolean ok() {
      return error == null;
    }

    /** Whether the inputs checked fit the task: one of them converts, or there were none. */
    public boolean inputsFit() {
      return inputError == null;
    }
  }

  /**
   * The coordinator accepted this node's registration.
   *
   * @param coordinator the coordinator's cluster address
   * @param httpUrl the coordinator's HTTP API, where nodes fetch file inputs; null until it serves
   *     (the coordinator sends this message again then)
   * @param nodeToken the token nodes present to fetch files from the HTTP API and ask clients for
   *     on the direct port; null with {@code httpUrl}
   */
  record Registered(String coordinator, String httpUrl, String nodeToken)
      implements Command, CborSerializable {

    @Override
    public String toString() {
      return "Registered[coordinator=" + coordinator + ", httpUrl=" + httpUrl + "]";
    }
  }

  /**
   * Load jars a client deploys and say which tasks they offer: the coordinator asks one node before
   * it keeps a deployment, so a jar that does not load is refused when it is deployed, not when a
   * job runs.
   */
  record DescribeCode(cohort.api.code.CodeRef code, ActorRef<CodeDescribed> replyTo)
      implements Command, CborSerializable {
    public DescribeCode {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Answer to {@link DescribeCode}.
   *
   * @param tasks the tasks the jars offer, empty on error
   * @param error null when the jars loaded, otherwise what is wrong with them
   */
  record CodeDescribed(List<cohort.api.TaskInfo> tasks, String error) implements CborSerializable {
    public CodeDescribed {
      tasks = tasks == null ? List.of() : List.copyOf(tasks);
    }
  }

  /** The coordinator refused this node, for example because their protocol versions differ. */
  record RegistrationRefused(String reason) implements Command, CborSerializable {}
}
