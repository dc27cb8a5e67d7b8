package cohort.pool;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The inputs of a streamed job, sent from a thread of the pool's while the caller reads results:
 * pulled from the caller's iterator only as fast as the coordinator admits them. When sending fails
 * (the iterator threw, an input is not JSON, the connection broke) the job is cancelled and the
 * failure is kept, for the results to end with.
 */
final class Upload {

  private final String job;
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private volatile Future<?> sending;

  Upload(String job) {
    this.job = job;
  }

  String job() {
    return job;
  }

  /** Why the inputs could not all be sent, or null. */
  RuntimeException failure() {
    return failure.get();
  }

  /**
   * @param send sends every input, blocking
   * @param cancel cancels the job after a failed send
   */
  void start(ExecutorService threads, Runnable send, Runnable cancel) {
    sending =
        threads.submit(
            () -> {
              try {
                send.run();
              } catch (RuntimeException e) {
                failure.compareAndSet(
                    null,
                    new IllegalStateException(
                        "the inputs of job " + job + " stopped: " + e.getMessage(), e));
                try {
                  cancel.run();
                } catch (RuntimeException ignored) {
                  // The job may have ended meanwhile; the failure is what the caller needs.
                }
              }
            });
  }

  /** Stops sending: the caller closed the results. */
  void stop() {
    Future<?> running = sending;
    if (running != null) {
      running.cancel(true);
    }
  }
}
