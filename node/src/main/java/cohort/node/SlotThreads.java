package cohort.node;

import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.LongConsumer;

/**
 * The threads that run batches: each takes a run of batches and runs them one after the other,
 * reporting each batch as it ends, with the batch it takes up next, and then the end of the run.
 * The worker turns the reports into messages to itself; nothing here touches its state.
 *
 * <p>The pool has a thread per slot, and one more for each thread the worker gave up and that has
 * not come back: see {@link SlotSchedule#threadsNeeded()}.
 */
final class SlotThreads {

  /** How a slot thread reports a batch that ended; called on the slot thread. */
  @FunctionalInterface
  interface BatchEnded {

    /**
     * @param parts the batch's results, or null when the slot broke on it
     * @param failure what broke the slot, or null
     * @param next the batch of the run the thread has taken up next, or null when the run is over
     */
    void ended(BatchKey batch, List<BatchFinished> parts, Throwable failure, BatchKey next);
  }

  private final ThreadPoolExecutor executor;
  private final BatchRunner runner;
  private final BatchEnded batchEnded;
  private final LongConsumer runEnded;

  /**
   * @param executor the slot threads; shut down by {@link #shutdown()}
   * @param batchEnded told each time a batch ends
   * @param runEnded told the run's id when a thread ends its run, normally or not
   */
  SlotThreads(
      ThreadPoolExecutor executor,
      BatchRunner runner,
      BatchEnded batchEnded,
      LongConsumer runEnded) {
    this.executor = executor;
    this.runner = runner;
    this.batchEnded = batchEnded;
    this.runEnded = runEnded;
  }

  /** Hands a run to a thread; its first batch was taken up as it was scheduled. */
  void start(List<RunningBatch> run) {
    executor.execute(() -> runAll(run));
  }

  /**
   * On a slot thread. A later batch of the run is taken up when the one before it ends, unless it
   * was withdrawn or given up meanwhile, and the report of the one before names it: that is when it
   * starts.
   */
  private void runAll(List<RunningBatch> run) {
    try {
      RunningBatch current = run.get(0);
      int following = 1;
      while (current != null) {
        List<BatchFinished> parts = null;
        Throwable failure = null;
        try {
          parts = runner.run(current.batch(), current.task(), current.control());
        } catch (VirtualMachineError fatal) {
          throw fatal;
        } catch (Throwable broken) {
          failure = broken;
        }
        RunningBatch next = null;
        while (next == null && following < run.size()) {
          RunningBatch candidate = run.get(following++);
          next = candidate.control().takeUp() ? candidate : null;
        }
        batchEnded.ended(current.key(), parts, failure, next == null ? null : next.key());
        current = next;
      }
    } finally {
      runEnded.accept(run.get(0).run());
    }
  }

  /** Grows or shrinks the pool to {@code threads}; a busy thread above it ends after its run. */
  void resize(int threads) {
    if (threads > executor.getMaximumPoolSize()) {
      executor.setMaximumPoolSize(threads);
      executor.setCorePoolSize(threads);
    } else if (threads < executor.getMaximumPoolSize()) {
      executor.setCorePoolSize(threads);
      executor.setMaximumPoolSize(threads);
    }
  }

  /** Interrupts the threads and takes no more runs. */
  void shutdown() {
    executor.shutdownNow();
  }
}
