package cohort.client;

import cohort.api.JobStatus;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A streamed job's upload that goes on after a coordinator restart: when the connection breaks
 * because the coordinator went away, it waits for the coordinator (up to the reconnect timeout),
 * reads from the job's status how many inputs it has ({@code total}, with {@code inputsOpen}), and
 * sends on from there. What was sent is kept ({@link ReplayableInputs}) until the coordinator's
 * count passes it, asked every {@link #TRIM_EVERY}, so a source that cannot be read twice loses
 * nothing.
 */
final class ResumedUpload {

  /** How often the upload asks how many inputs the coordinator has for good. */
  static final Duration TRIM_EVERY = Duration.ofSeconds(1);

  private ResumedUpload() {}

  /**
   * Sends every input of {@code inputs} to job {@code jobId}.
   *
   * @param broken says whether the inputs themselves failed: then a broken upload does not go on
   * @return how many inputs the job has
   */
  static long send(
      CohortClient client,
      String jobId,
      Iterator<? extends JsonNode> inputs,
      Duration reconnect,
      BooleanSupplier broken) {
    ReplayableInputs kept = new ReplayableInputs(inputs);
    ScheduledExecutorService trimmer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "upload-trim");
              thread.setDaemon(true);
              return thread;
            });
    trimmer.scheduleWithFixedDelay(
        () -> {
          try {
            kept.trimBefore(client.status(jobId).total());
          } catch (RuntimeException e) {
            // the coordinator is away: keep everything until it answers again
          }
        },
        TRIM_EVERY.toMillis(),
        TRIM_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    try {
      long from = 0;
      while (true) {
        try {
          return client.sendInputs(jobId, kept.from(from));
        } catch (CohortException e) {
          if (!e.unreachable()
              || reconnect.isZero()
              || broken.getAsBoolean()
              || Thread.currentThread().isInterrupted()) {
            throw e; // refused, or the inputs broke: nothing to go on with
          }
          JobStatus back = awaitCoordinator(client, jobId, reconnect, e);
          if (back.state().terminal()) {
            throw e; // the job ended with the upload (a coordinator that saw it break cancels it)
          }
          if (!back.inputsOpen()) {
            return back.total(); // it had every input, and their end
          }
          from = back.total();
        }
      }
    } finally {
      trimmer.shutdownNow();
    }
  }

  /** The job's status once the coordinator answers again, within {@code timeout}. */
  private static JobStatus awaitCoordinator(
      CohortClient client, String jobId, Duration timeout, CohortException lost) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 100;
    while (System.nanoTime() < deadline) {
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw lost;
      }
      pause = Math.min(2 * pause, 500);
      try {
        return client.status(jobId);
      } catch (CohortException e) {
        if (!e.unreachable()) {
          throw e;
        }
      }
    }
    throw lost;
  }
}
