package cohort.node;

import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.TaskSpec;
import cohort.protocol.WorkerProtocol;
import java.util.List;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/** What the worker tells itself: the outcomes of its threads and futures, and its timers. */
interface WorkerMessages {

  /** A slot thread ended a batch and took up {@code next} of the same run, if not null. */
  record BatchRan(BatchKey batch, List<BatchFinished> parts, Throwable failure, BatchKey next)
      implements WorkerProtocol.Command {}

  /** A slot thread ended its run of batches. */
  record SlotFree(long run) implements WorkerProtocol.Command {}

  /** A job's task was bound, or could not be: {@code error} says why. */
  record TaskBound(String job, TaskSpec spec, BoundTask task, String error)
      implements WorkerProtocol.Command {}

  record CoordinatorsChanged(Receptionist.Listing listing) implements WorkerProtocol.Command {}

  /** What the worker tells itself, now or by timer. */
  enum Signal implements WorkerProtocol.Command {
    /** The messages that were waiting have been handled: send what the outbox holds. */
    FLUSH_OUTBOX,
    /** A batch has run long enough for its start to be reported. */
    FLUSH_STARTS,
    /** Time for the watchdog to look at the running inputs again. */
    TICK,
    /** The drain's timeout passed: interrupt what still runs. */
    DRAIN_DEADLINE,
    /** The grace after the drain's timeout passed: give up what still runs. */
    DRAIN_GRACE_OVER,
    /** Time to close shipped code no batch ran for a while. */
    SWEEP_CODE
  }
}
