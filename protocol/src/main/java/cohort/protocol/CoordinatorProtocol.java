package cohort.protocol;

import cohort.api.TaskError;
import cohort.api.TaskInfo;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** Messages the coordinator receives from nodes. */
public interface CoordinatorProtocol {

  /**
   * Every message the coordinator accepts. Only the records here cross JVMs; the coordinator's
   * local messages implement this interface too but not {@link CborSerializable}.
   */
  interface Command {}

  /** The receptionist key under which the coordinator registers; nodes find it there. */
  ServiceKey<Command> SERVICE_KEY = ServiceKey.create(Command.class, "cohort-coordinator");

  /**
   * Version of this protocol. A node with another version is refused at registration, so a cluster
   * never runs with two builds that read messages differently.
   */
  int VERSION = 1;

  /** Name of the actor system on every Cohort JVM; cluster addresses include it. */
  String SYSTEM_NAME = "cohort";

  /** Cluster role of the coordinator's member; nodes have the role {@code node}. */
  String COORDINATOR_ROLE = "coordinator";

  /**
   * A node's worker offers its slots and tasks. Sent again whenever a coordinator appears, so a
   * restarted coordinator learns its nodes; a repeat from the same worker is harmless.
   *
   * @param worker the node's worker actor
   * @param slots how many inputs the node runs at once
   * @param tasks the tasks this node can run
   * @param version {@link #VERSION} of the node's build
   */
  record RegisterNode(
      ActorRef<WorkerProtocol.Command> worker, int slots, List<TaskInfo> tasks, int version)
      implements Command, CborSerializable {
    public RegisterNode {
      Objects.requireNonNull(worker, "worker");
      tasks = List.copyOf(tasks);
    }
  }

  /**
   * The results of several small batches at once: what a node finished while it handled one round
   * of messages, column by column so that the many small batches of tiny tasks cost little to
   * encode and decode. Every batch here succeeded whole; others travel as {@link BatchFinished}.
   *
   * @param worker the node's worker that ran them
   * @param jobs the distinct jobs
   * @param job each batch's job, as an index into {@code jobs}
   * @param batchIds each batch's id
   * @param sizes how many outputs each batch has
   * @param busyNanos time the task spent on each batch
   * @param outputs every batch's outputs, batch after batch
   */
  record BatchesFinished(
      ActorRef<WorkerProtocol.Command> worker,
      List<String> jobs,
      int[] job,
      long[] batchIds,
      int[] sizes,
      long[] busyNanos,
      List<JsonNode> outputs)
      implements Command, CborSerializable {

    /** Whether a part may travel in this message: a whole batch, without failures. */
    public static boolean fits(BatchFinished part) {
      return part.fromOffset() == 0 && part.last() && part.failures().isEmpty();
    }

    /** Packs whole, successful batch results of one worker. */
    public static BatchesFinished of(
        ActorRef<WorkerProtocol.Command> worker, List<BatchFinished> parts) {
      List<String> jobs = new java.util.ArrayList<>();
      int n = parts.size();
      int[] job = new int[n];
      long[] batchIds = new long[n];
      int[] sizes = new int[n];
      long[] busy = new long[n];
      List<JsonNode> outputs = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        BatchFinished part = parts.get(i);
        if (!fits(part)) {
          throw new IllegalArgumentException("batch " + part.batchId() + " must travel alone");
        }
        int known = jobs.indexOf(part.jobId());
        if (known < 0) {
          known = jobs.size();
          jobs.add(part.jobId());
        }
        job[i] = known;
        batchIds[i] = part.batchId();
        sizes[i] = part.outputs().size();
        busy[i] = part.busyNanos();
        outputs.addAll(part.outputs());
      }
      return new BatchesFinished(worker, jobs, job, batchIds, sizes, busy, outputs);
    }

    /** The results, one record each. */
    public List<BatchFinished> parts() {
      List<BatchFinished> parts = new java.util.ArrayList<>(batchIds.length);
      int at = 0;
      for (int i = 0; i < batchIds.length; i++) {
        parts.add(
            new BatchFinished(
                jobs.get(job[i]),
                batchIds[i],
                0,
                outputs.subList(at, at + sizes[i]),
                List.of(),
                true,
                busyNanos[i],
                worker));
        at += sizes[i];
      }
      return parts;
    }
  }

  /**
   * The node is shutting down: send it nothing more. It finishes or returns what it holds, then
   * leaves the cluster.
   */
  record NodeDraining(ActorRef<WorkerProtocol.Command> worker)
      implements Command, CborSerializable {}

  /** How an input failed, which decides whether it is run again. */
  enum FailureKind {
    /** The task threw: retried up to the job's {@code retries}. */
    TASK,
    /** The input ran past the job's task timeout: a system failure, retried up to max-attempts. */
    TIMEOUT,
    /** The input could not be converted to the task's input type: never retried. */
    INPUT,
    /**
     * The input's task took its JVM down (it called {@code System.exit}): a system failure, retried
     * up to max-attempts on other nodes, then quarantined.
     */
    CRASH;

    /** Whether this failure counts against max-attempts rather than retries. */
    public boolean system() {
      return this == TIMEOUT || this == CRASH;
    }
  }

  /**
   * One input of a batch that has no output.
   *
   * @param offset position of the input within its batch
   * @param kind what kind of failure it was
   * @param error the failure, with the remote exception's type, message and trace
   */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({"offset", "kind", "error"})
  record InputFailure(int offset, FailureKind kind, TaskError error) implements CborSerializable {}

  /**
   * Results of a batch, or of a part of it: a node splits the results of a large batch into parts
   * so that no message outgrows the transport's frame.
   *
   * @param jobId the job
   * @param batchId the batch, as in {@link WorkerProtocol.RunBatch}
   * @param fromOffset batch offset of {@code outputs.get(0)}
   * @param outputs one entry per input from {@code fromOffset}; an entry whose offset appears in
   *     {@code failures} is a placeholder
   * @param failures the inputs among these that failed; on the last part also inputs beyond the
   *     outputs that failed without output (an abandoned or crashing input)
   * @param last true on the batch's final part; inputs it covers neither with an output nor with a
   *     failure did not run (the node stopped early) and run again elsewhere
   * @param busyNanos time the task spent on these inputs, for batch sizing
   * @param worker the node's worker that ran them
   */
  // Sent once per batch (or part), so encoded as an array: no field names to write and look up.
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({
    "jobId",
    "batchId",
    "fromOffset",
    "outputs",
    "failures",
    "last",
    "busyNanos",
    "worker"
  })
  record BatchFinished(
      String jobId,
      long batchId,
      int fromOffset,
      List<JsonNode> outputs,
      List<InputFailure> failures,
      boolean last,
      long busyNanos,
      ActorRef<WorkerProtocol.Command> worker)
      implements Command, CborSerializable {
    public BatchFinished {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(worker, "worker");
      outputs = List.copyOf(outputs);
      failures = List.copyOf(failures);
    }
  }
}
