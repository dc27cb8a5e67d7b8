package cohort.node;

/**
 * The stop switch of one batch handed to a slot thread, shared by the thread and the worker actor.
 *
 * <p>A batch waits its turn in its run until the thread takes it up ({@link #takeUp}); until then
 * the actor may still withdraw it ({@link #withdraw}), and exactly one of the two wins. The thread
 * then marks which input it runs ({@link #begin}, {@link #end}); the actor may interrupt that input
 * for its timeout, cancel the whole batch, or give the thread up for lost. Interrupts are aimed
 * under a lock at the input they are meant for, never at the next input or whatever the thread runs
 * after this batch.
 */
final class BatchControl {

  private final Ticker ticker;
  private Thread thread;
  private int current = -1;
  private long startedNanos;
  private volatile int timedOut = -1;
  private volatile boolean cancelled;
  private volatile boolean abandoned;
  private long cancelledNanos;
  private boolean takenUp;
  private boolean withdrawn;

  BatchControl() {
    this(Ticker.system());
  }

  /**
   * @param ticker the clock that {@link #runningNanos} and {@link #sinceCancelNanos} read
   */
  BatchControl(Ticker ticker) {
    this.ticker = ticker;
  }

  /**
   * Takes the batch up to run it: called by its slot thread when it gets to it, or by the worker as
   * it hands the batch to a thread first in its run.
   *
   * @return false when the batch was withdrawn or given up first: the thread skips it
   */
  synchronized boolean takeUp() {
    if (withdrawn || abandoned) {
      return false;
    }
    takenUp = true;
    return true;
  }

  /**
   * Withdraws a batch that waits its turn, so it never runs: called by the worker.
   *
   * @return false when its thread has taken it up already
   */
  synchronized boolean withdraw() {
    if (takenUp) {
      return false;
    }
    withdrawn = true;
    cancel();
    return true;
  }

  /** Called by the slot thread when it starts the batch. */
  synchronized void attach() {
    thread = Thread.currentThread();
    if (cancelled) {
      thread.interrupt();
    }
  }

  /** Called by the slot thread when the batch ends; clears an interrupt the task left unhandled. */
  synchronized void detach() {
    thread = null;
    current = -1;
    Thread.interrupted();
  }

  /**
   * Called by the slot thread before it runs the input at {@code offset}.
   *
   * @param now when the input started, by the batch's clock ({@link #now}); only read when the
   *     batch has a task timeout, so a batch without one may pass 0 and spare the clock read
   */
  synchronized void begin(int offset, long now) {
    current = offset;
    startedNanos = now;
  }

  /** The clock the batch is measured by. */
  long now() {
    return ticker.read();
  }

  /** Called by the slot thread after an input; clears an interrupt meant for that input. */
  synchronized void end() {
    if (timedOut == current) {
      Thread.interrupted();
    }
    current = -1;
  }

  /** The offset of the input running now, or -1 between inputs. */
  synchronized int current() {
    return current;
  }

  /** How long the current input has run, in nanoseconds; 0 between inputs. */
  synchronized long runningNanos() {
    return current < 0 ? 0 : ticker.read() - startedNanos;
  }

  /** The thread running the batch, or null when it is not running. */
  synchronized Thread thread() {
    return thread;
  }

  /**
   * Interrupts the input at {@code offset} for its timeout, if it still runs.
   *
   * @return true when it was interrupted now
   */
  synchronized boolean timeOut(int offset) {
    if (current != offset || timedOut == offset || thread == null) {
      return false;
    }
    timedOut = offset;
    thread.interrupt();
    return true;
  }

  /** Whether the input at {@code offset} was interrupted for its timeout. */
  boolean timedOut(int offset) {
    return timedOut == offset;
  }

  /** Asks the batch to stop: sets the flag and interrupts its thread if it is running. */
  synchronized void cancel() {
    if (!cancelled) {
      cancelled = true;
      cancelledNanos = ticker.read();
    }
    if (thread != null) {
      thread.interrupt();
    }
  }

  boolean cancelled() {
    return cancelled;
  }

  /** How long ago the batch was cancelled, in nanoseconds; 0 if it was not. */
  synchronized long sinceCancelNanos() {
    return cancelled ? ticker.read() - cancelledNanos : 0;
  }

  /**
   * Gives the thread up for lost: the worker has reported the batch and replaced the slot; when the
   * thread comes back, if ever, whatever it computed is thrown away.
   */
  void abandon() {
    abandoned = true;
    cancel();
  }

  boolean abandoned() {
    return abandoned;
  }
}
