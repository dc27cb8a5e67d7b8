package cohort.messages;

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
   * Version of this protocol. A node with another version is refused at registration, so a
   * cluster never runs with two builds that read messages differently.
   */
  int VERSION = 1;

  /** Name of the actor system on every Cohort JVM; cluster addresses include it. */
  String SYSTEM_NAME = "cohort";

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
     * The input's task took its JVM down (it called {@code System.exit}): a system failure,
     * retried up to max-attempts on other nodes, then quarantined.
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
