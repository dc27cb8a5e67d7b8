package cohort.node;

/**
 * The stop switch of one batch running on a slot thread: a cancel flag, and an interrupt aimed at
 * the thread only while that thread runs this batch, never at whatever it runs next.
 */
final class BatchControl {

  private Thread thread;
  private volatile boolean cancelled;

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
    Thread.interrupted();
  }

  /** Asks the batch to stop: sets the flag and interrupts its thread if it is running. */
  synchronized void cancel() {
    cancelled = true;
    if (thread != null) {
      thread.interrupt();
    }
  }

  boolean cancelled() {
    return cancelled;
  }
}
