package cohort.node;

import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The threads that run batches: each takes a run of batches and runs them one after the other,
 * reporting each batch as it ends and then the end of the run. The worker turns the reports into
 * messages to itself; nothing here touches its state.
 *
 * <p>The pool has a thread per slot, and one more for each thread the worker gave up and that has
 * not come back: see {@link SlotSchedule#threadsNeeded()}.
 */
final class SlotThreads {

  /** What the slot threads report, called on the slot thread. */
  interface Reports {

    /**
     * A batch ended.
     *
     * @param parts its results, or null when the slot broke on it
     * @param failure what broke the slot, or null
     */
    void batchEnded(BatchKey batch, List<BatchFinished> parts, Throwable failure);

    /** The thread ended its run. */
    void runEnded(long run);
  }

  private final ThreadPoolExecutor executor;
  private final BatchRunner runner;
  private final Reports reports;

  /**
   * @param executor the slot threads; shut down by {@link #shutdown()}
   */
  SlotThreads(ThreadPoolExecutor executor, BatchRunner runner, Reports reports) {
    this.executor = executor;
    this.runner = runner;
    this.reports = reports;
  }

  /** Hands a run to a thread; its first batch was taken up as it was scheduled. */
  void start(List<RunningBatch> run) {
    executor.execute(() -> runAll(run));
  }

  /** On a slot thread: a later batch of the run runs unless it was withdrawn or given up. */
  private void runAll(List<RunningBatch> run) {
    try {
      for (RunningBatch batch : run) {
        if (batch != run.get(0) && !batch.control().takeUp()) {
          continue;
        }
        try {
          reports.batchEnded(
              batch.key(), runner.run(batch.batch(), batch.task(), batch.control()), null);
        } catch (VirtualMachineError fatal) {
          throw fatal;
        } catch (Throwable failure) {
          reports.batchEnded(batch.key(), null, failure);
        }
      }
    } finally {
      reports.runEnded(run.get(0).run());
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
