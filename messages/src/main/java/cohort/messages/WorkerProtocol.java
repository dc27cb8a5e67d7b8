package cohort.messages;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Messages a node's worker actor receives from the coordinator.
 *
 * <p>The coordinator sends a node work only while the node has free credit (a free slot, or room
 * in the slot's short prefetch queue), so these messages never pile up in the transport.
 */
public interface WorkerProtocol {

  /** Every message a worker accepts. */
  interface Command {}

  /**
   * Run the task on a contiguous run of a job's inputs and report to {@code replyTo}.
   *
   * @param jobId the job the inputs belong to
   * @param batchId unique within the job; a result for a batch id the coordinator no longer
   *     expects is a duplicate and is dropped there
   * @param task the task and its parameters
   * @param firstIndex the job-wide index of {@code inputs.get(0)}
   * @param inputs the inputs, in index order
   * @param attempt 1 for a first run, more when the inputs are being run again
   * @param taskTimeoutMillis how long one input may run before it is interrupted; 0 for no limit
   * @param replyTo where {@link CoordinatorProtocol.BatchFinished} goes
   */
  record RunBatch(
      String jobId,
      long batchId,
      TaskSpec task,
      long firstIndex,
      List<JsonNode> inputs,
      int attempt,
      long taskTimeoutMillis,
      ActorRef<CoordinatorProtocol.Command> replyTo)
      implements Command, CborSerializable {
    public RunBatch {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(replyTo, "replyTo");
      inputs = List.copyOf(inputs);
    }
  }

  /** Stop every queued and running input of the job on this node. */
  record CancelJob(String jobId) implements Command, CborSerializable {}

  /** Check that this node can bind the task and its parameters, and answer {@link TaskChecked}. */
  record CheckTask(TaskSpec task, ActorRef<TaskChecked> replyTo)
      implements Command, CborSerializable {}

  /**
   * Answer to {@link CheckTask}.
   *
   * @param error null when the task and its parameters are fine, otherwise what is wrong and how to
   *     fix it
   */
  record TaskChecked(String error) implements CborSerializable {
    public boolean ok() {
      return error == null;
    }
  }

  /**
   * The coordinator accepted this node's registration.
   *
   * @param coordinator the coordinator's cluster address
   * @param httpUrl the coordinator's HTTP API, where nodes fetch file inputs; null until it serves
   *     (the coordinator sends this message again then)
   */
  record Registered(String coordinator, String httpUrl) implements Command, CborSerializable {}

  /** The coordinator refused this node, for example because their protocol versions differ. */
  record RegistrationRefused(String reason) implements Command, CborSerializable {}
}
