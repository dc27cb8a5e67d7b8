package cohort.task;

/**
 * A named counter of a job, got from {@link TaskContext#counter(String)}: tasks add to it, the
 * job's status shows the totals while it runs, and the final totals are exact.
 *
 * <p>What an attempt adds counts only if that attempt's result is the one the job delivers for its
 * input: the adds of an attempt that failed and ran again, or that ran on a node that was lost, are
 * dropped with it, so an input never counts twice. The adds of an input's final error count, as
 * that error is its delivered result. Adds made after the task returned (from a thread it left
 * running) are refused.
 *
 * <p>Thread-safe: a task may add from several threads of its own.
 */
public interface Counter {

  /**
   * Adds {@code delta}, which may be negative, to the counter.
   *
   * @throws ArithmeticException when the counter would pass the range of a {@code long}
   * @throws IllegalStateException when the task already returned
   */
  void add(long delta);

  /** Adds 1. */
  default void increment() {
    add(1);
  }
}
