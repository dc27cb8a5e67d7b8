package cohort.node;

import cohort.api.TaskError;
import cohort.node.counters.CounterNames;
import cohort.node.setup.JobScope;
import cohort.node.setup.JobScopes;
import cohort.node.setup.SetupFailed;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import cohort.protocol.CounterDeltas;
import cohort.protocol.Payloads;
import cohort.protocol.Values;
import cohort.protocol.ValuesCodec;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.RunBatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Runs the inputs of one batch, one after the other, on the calling slot thread, and cuts the
 * results into messages small enough for the transport.
 *
 * <p>Every failure of one input stays with that input: an input that does not convert, a task that
 * throws, an output too large to send. Only a cancel stops the batch early.
 */
final class BatchRunner {

  private final String node;
  private final ActorRef<WorkerProtocol.Command> worker;
  private final FileInputs files;
  private final CounterNames counterNames = new CounterNames();
  private final JobScopes scopes;

  BatchRunner(String node, ActorRef<WorkerProtocol.Command> worker, FileInputs files) {
    this(node, worker, files, new JobScopes(node, null, Runnable::run));
  }

  /**
   * @param scopes what jobs keep on this node: their broadcasts and per-node setups
   */
  BatchRunner(
      String node, ActorRef<WorkerProtocol.Command> worker, FileInputs files, JobScopes scopes) {
    this.node = node;
    this.worker = worker;
    this.files = files;
    this.scopes = scopes;
  }

  /**
   * Runs the batch and returns its result messages, the last one marked {@code last}. After a
   * cancel the results stop at the last input that finished; after the batch was abandoned they are
   * empty and meaningless.
   */
  List<BatchFinished> run(RunBatch batch, BoundTask task, BatchControl control) {
    control.attach();
    task.lease().begin();
    try {
      JobScope scope;
      try {
        scope = enter(batch, task, control);
      } catch (SetupFailed e) {
        return failAll(batch, "cohort.SetupFailed", e.getMessage());
      }
      try {
        return runAttached(batch, task, control, scope);
      } finally {
        scopes.leave(scope);
      }
    } finally {
      task.lease().end();
      control.detach();
    }
  }

  /**
   * The job's scope on this node, prepared by the first of its batches here; {@link JobScope#NONE}
   * for a job without broadcasts or setup, and also when a cancel interrupted the wait (the batch
   * then ends at once).
   *
   * @throws SetupFailed saying why the job cannot run here, for each of the batch's inputs
   */
  private JobScope enter(RunBatch batch, BoundTask task, BatchControl control) throws SetupFailed {
    if (batch.task().broadcasts().isEmpty() && !task.hasSetup()) {
      return JobScope.NONE;
    }
    try {
      return scopes.enter(batch.jobId(), task.preparation(batch.task().broadcasts()));
    } catch (InterruptedException e) {
      if (control.cancelled()) {
        return JobScope.NONE; // runAttached stops before the first input
      }
      throw new SetupFailed(
          "node " + node + " was interrupted while task " + task.name() + " was being prepared", e);
    }
  }

  private List<BatchFinished> runAttached(
      RunBatch batch, BoundTask task, BatchControl control, JobScope scope) {
    Parts parts = new Parts(batch, control);
    Iterator<JsonNode> inputs = batch.inputs().iterator();
    // The clock is read per input only when the job has a task timeout, for the watchdog; the time
    // the coordinator sizes batches by is read once per part of the results. A clock read costs as
    // much as running a tiny input: three per input were 15% of a node's CPU on tiny tasks.
    boolean timed = batch.taskTimeoutMillis() > 0;
    CounterNames.Job jobCounterNames = counterNames.job(batch.jobId());
    long start = timed ? control.now() : 0;
    for (int offset = 0; inputs.hasNext(); offset++) {
      if (control.cancelled()) {
        break;
      }
      long index = batch.firstIndex() + offset;
      JsonNode input = inputs.next();
      Object converted;
      try {
        converted = task.convertInput(input);
      } catch (IllegalArgumentException e) {
        parts.failed(
            offset,
            FailureKind.INPUT,
            new TaskError(TaskError.INPUT_ERROR, e.getMessage(), node, batch.attempt(), null));
        continue;
      }
      AttemptContext context =
          new AttemptContext(
              batch.jobId(), index, batch.attempt(), node, control, files, jobCounterNames, scope);
      Object output = null;
      Throwable failure = null;
      control.begin(offset, start);
      try {
        output = task.call(converted, context);
      } catch (Throwable thrown) {
        rethrowIfFatal(thrown);
        failure = thrown;
      } finally {
        control.end();
      }
      // What the attempt added travels with its result, whatever the result; later adds are
      // refused.
      Map<String, Long> added = context.sealCounters();
      if (control.abandoned()) {
        return List.of();
      }
      if (control.timedOut(offset)) {
        long end = control.now();
        parts.failed(offset, FailureKind.TIMEOUT, timedOut(batch, end - start));
      } else if (control.cancelled()) {
        break;
      } else if (failure != null) {
        parts.failed(offset, FailureKind.TASK, TaskErrors.of(failure, node, batch.attempt()));
      } else {
        parts.succeeded(offset, output, task);
      }
      if (added != null) {
        parts.counted(offset, added);
      }
      if (timed) {
        start = control.now();
      }
    }
    return parts.finish();
  }

  private TaskError timedOut(RunBatch batch, long busyNanos) {
    return new TaskError(
        "cohort.TimedOut",
        "ran longer than the task timeout of "
            + batch.taskTimeoutMillis()
            + " ms and was interrupted after "
            + busyNanos / 1_000_000
            + " ms",
        node,
        batch.attempt(),
        null);
  }

  /**
   * The report of a batch whose input will not finish: that input fails as {@code failure} says,
   * the inputs before and after it run again elsewhere. Outputs the batch had computed are given up
   * with it.
   */
  BatchFinished gaveUp(RunBatch batch, InputFailure failure) {
    return new BatchFinished(
        batch.jobId(), batch.batchId(), 0, Values.empty(), List.of(failure), true, 0, worker);
  }

  /**
   * Result messages that give every input of the batch the same error, for a batch that cannot run
   * at all.
   */
  List<BatchFinished> failAll(RunBatch batch, String type, String reason) {
    Parts parts = new Parts(batch, null);
    TaskError error = new TaskError(type, reason, node, batch.attempt(), null);
    for (int offset = 0; offset < batch.inputs().size(); offset++) {
      parts.failed(offset, FailureKind.TASK, error);
    }
    return parts.finish();
  }

  /** The result of a batch that was dropped before it ran: no results, and its credit back. */
  BatchFinished dropped(RunBatch batch) {
    return new Parts(batch, null).finish().get(0);
  }

  private TaskError tooLarge(long size, int attempt) {
    return new TaskError(
        "cohort.OutputTooLarge",
        "the output is about "
            + (size / 1024)
            + " KiB; a value sent through the cluster may have at most "
            + (Payloads.MAX_VALUE_BYTES / 1024)
            + " KiB: write large outputs to files and return their paths",
        node,
        attempt,
        null);
  }

  private TaskError notWritable(Throwable failure, int attempt) {
    Throwable reason =
        failure instanceof java.io.UncheckedIOException wrapped ? wrapped.getCause() : failure;
    TaskError cause = TaskErrors.of(reason, node, attempt);
    return new TaskError(
        cause.type(),
        "the task returned an output that cannot be sent as JSON: "
            + cause.message()
            + "; return plain values, lists, maps or records of them",
        node,
        attempt,
        cause.trace());
  }

  /** Errors that mean the JVM itself is broken end the node rather than one input. */
  private static void rethrowIfFatal(Throwable failure) {
    if (failure instanceof VirtualMachineError && !(failure instanceof StackOverflowError)) {
      throw (VirtualMachineError) failure;
    }
  }

  /**
   * One output builder per thread, kept from batch to batch: a new one per batch (its CBOR
   * generator and buffers) cost more than running a batch of one tiny input.
   */
  private static final ThreadLocal<ValuesCodec.Builder> OUTPUTS =
      ThreadLocal.withInitial(ValuesCodec.Builder::new);

  /**
   * Collects results into parts of about {@link Payloads#TARGET_MESSAGE_BYTES}, each with the time
   * the slot spent on it.
   */
  private final class Parts {
    private final RunBatch batch;
    private final BatchControl clock;
    private final List<BatchFinished> done = new ArrayList<>();
    private final ValuesCodec.Builder outputs = OUTPUTS.get();
    private CounterDeltas.Builder counters;
    private List<InputFailure> failures = new ArrayList<>();
    private int fromOffset;
    private long bytes;
    private long partStart;

    /** When the part being built filled up, by the clock; 0 while it has room. */
    private long fullAt;

    /**
     * @param clock the batch's clock, which times each part; null for results that did not run,
     *     whose parts report no time
     */
    Parts(RunBatch batch, BatchControl clock) {
      this.batch = batch;
      this.clock = clock;
      this.partStart = clock == null ? 0 : clock.now();
      outputs.reset();
    }

    /** Appends an output, or the error that it is too large to send. */
    void succeeded(int offset, Object output, BoundTask task) {
      startPartIfFull();
      int size;
      try {
        size = task.encode(output, outputs);
      } catch (Throwable unwritable) {
        // An output Jackson cannot write (an accessor that throws, a cycle) fails its input alone.
        rethrowIfFatal(unwritable);
        failed(offset, FailureKind.TASK, notWritable(unwritable, batch.attempt()));
        return;
      }
      if (size > Payloads.MAX_VALUE_BYTES) {
        outputs.undo();
        failed(offset, FailureKind.TASK, tooLarge(size, batch.attempt()));
      } else {
        added(size);
      }
    }

    /** Notes what the input at {@code offset}, whose result was just added, added to counters. */
    void counted(int offset, Map<String, Long> added) {
      if (added.isEmpty()) {
        return;
      }
      if (counters == null) {
        counters = new CounterDeltas.Builder();
      }
      counters.add(offset, added);
    }

    void failed(int offset, FailureKind kind, TaskError error) {
      startPartIfFull();
      outputs.add(NullNode.getInstance());
      failures.add(new InputFailure(offset, kind, error));
      added(256 + (error.trace() == null ? 0 : 3L * error.trace().length()));
    }

    /**
     * Counts a result's bytes; when they fill the part, notes the time, so that the part's time
     * ends with its last input and not with the next one, which cuts it.
     */
    private void added(long size) {
      bytes += size;
      if (clock != null && fullAt == 0 && bytes >= Payloads.TARGET_MESSAGE_BYTES) {
        fullAt = clock.now();
      }
    }

    /** Cuts before the next result, not after the last, so the final part is never empty. */
    private void startPartIfFull() {
      if (bytes >= Payloads.TARGET_MESSAGE_BYTES) {
        cut(false);
      }
    }

    private void cut(boolean last) {
      long busyNanos = 0;
      if (clock != null) {
        long end = last || fullAt == 0 ? clock.now() : fullAt;
        busyNanos = end - partStart;
        partStart = end;
        fullAt = 0;
      }
      Values part = outputs.build();
      done.add(
          new BatchFinished(
              batch.jobId(),
              batch.batchId(),
              fromOffset,
              part,
              failures,
              last,
              busyNanos,
              worker,
              counters == null ? null : counters.build()));
      fromOffset += part.size();
      failures = new ArrayList<>();
      bytes = 0;
    }

    List<BatchFinished> finish() {
      cut(true);
      return done;
    }
  }
}
