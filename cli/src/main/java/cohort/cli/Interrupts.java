package cohort.cli;

import cohort.client.CohortException;
import cohort.client.JobApi;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Ctrl-C while {@code cohort submit} follows a job: the first cancels the job on every node, like
 * setting multiprocessing's stop flag, and lets the results stream end with what had completed; the
 * second quits at once.
 */
final class Interrupts {

  private final AtomicInteger count = new AtomicInteger();

  private Interrupts() {}

  /**
   * Installs the Ctrl-C handler for a job. Where the JVM offers no signal handling, Ctrl-C keeps
   * its default meaning and the returned value never reports a cancel.
   */
  static Interrupts cancelOnCtrlC(JobApi client, String jobId, PrintWriter err) {
    Interrupts interrupts = new Interrupts();
    try {
      Signal.handle(
          new Signal("INT"),
          signal -> {
            if (interrupts.count.incrementAndGet() > 1) {
              Runtime.getRuntime().halt(CohortCommand.INTERRUPTED);
            }
            err.println("cohort: cancelling job " + jobId + "; press Ctrl-C again to quit at once");
            err.flush();
            Thread cancel =
                new Thread(
                    () -> {
                      try {
                        client.cancel(jobId);
                      } catch (CohortException e) {
                        err.println(
                            "cohort: could not cancel job " + jobId + ": " + e.getMessage());
                        err.flush();
                        Runtime.getRuntime().halt(CohortCommand.INTERRUPTED);
                      }
                    },
                    "cancel-job");
            cancel.setDaemon(true);
            cancel.start();
          });
    } catch (IllegalArgumentException e) {
      // No SIGINT here (an unusual JVM or platform): Ctrl-C ends the JVM as usual.
    }
    return interrupts;
  }

  /** Whether the user asked to cancel. */
  boolean cancelled() {
    return count.get() > 0;
  }
}
