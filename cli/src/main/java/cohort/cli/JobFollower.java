package cohort.cli;

import cohort.api.JobStatus;
import cohort.client.CohortClient;
import cohort.client.JobApi;
import cohort.client.Reconnecting;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Follows an attached {@code cohort submit}'s job: prints its result lines as they come (writing
 * the files they carry), with a progress bar and Ctrl-C cancelling the job, then its end.
 */
final class JobFollower {

  private JobFollower() {}

  /**
   * Sends a job's streamed inputs and files while it runs, prints its results as they come, then
   * its end; returns the exit code.
   *
   * @param client follows and cancels the job
   * @param uploads sends its inputs and files; null when it has none
   * @param source the inputs to stream, or null when the request held them all (a file job's too,
   *     for a cluster in this JVM)
   */
  static int follow(
      JobApi client,
      CohortClient uploads,
      JobStatus job,
      FileJob fileJob,
      InputUpload.Source source,
      ResultPrinter printer,
      PrintWriter out,
      PrintWriter err) {
    // Files are sent only for inputs that name them with a fingerprint, which are streamed.
    FileSender sender =
        fileJob != null && !fileJob.sharedFs() && source != null
            ? FileSender.start(uploads, job.id(), fileJob)
            : null;
    InputUpload upload =
        source == null
            ? null
            : InputUpload.start(uploads, job.id(), source, printer.reconnectTimeout());
    try {
      return follow(client, job, fileJob, upload, sender, printer, out, err);
    } finally {
      if (upload != null) {
        upload.close();
      }
      if (sender != null) {
        sender.close();
      }
    }
  }

  private static int follow(
      JobApi client,
      JobStatus job,
      FileJob fileJob,
      InputUpload upload,
      FileSender sender,
      ResultPrinter printer,
      PrintWriter out,
      PrintWriter err) {
    Interrupts interrupts = Interrupts.cancelOnCtrlC(client, job.id(), err);
    ScheduledExecutorService flusher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "stdout-flusher");
              thread.setDaemon(true);
              return thread;
            });
    // Results appear promptly even when they trickle in, without a flush per line.
    flusher.scheduleWithFixedDelay(out::flush, 100, 100, TimeUnit.MILLISECONDS);
    long total = fileJob != null ? fileJob.size() : upload != null ? -1 : job.total();
    try (Progress progress = Progress.create(job.id(), total)) {
      printer.print(client, job.id(), progress::step);
    } finally {
      flusher.shutdownNow();
      out.flush();
    }
    // The coordinator may restart between the last result and this question.
    JobStatus end = Reconnecting.call(() -> client.status(job.id()), printer.reconnectTimeout());
    // After Ctrl-C the upload stops because of the cancel; that is no news to the user.
    Optional<String> uploadBroke =
        upload == null || interrupts.cancelled()
            ? Optional.empty()
            : uploadBrokenBecause(upload, end);
    if (uploadBroke.isPresent()) {
      err.println(
          "cohort: the upload of the inputs of job " + job.id() + " broke: " + uploadBroke.get());
      err.println(JobEnd.summary(end));
      err.flush();
      return CohortCommand.USAGE;
    }
    if (sender != null) {
      // One line on how the files reached the nodes: in place, or through the cluster.
      err.println(
          "cohort: "
              + sender.sent()
              + " of "
              + fileJob.size()
              + " files travelled through the cluster; nodes read the others where they are"
              + (sender.failure() == null
                  ? ""
                  : " (sending files broke: " + sender.failure() + ")"));
    }
    JobEnd.print(end, out, err);
    if (interrupts.cancelled() && end.state() == JobStatus.State.CANCELLED) {
      return CohortCommand.INTERRUPTED;
    }
    return end.state() == JobStatus.State.SUCCEEDED ? CohortCommand.OK : CohortCommand.JOB_FAILED;
  }

  private static Optional<String> uploadBrokenBecause(InputUpload upload, JobStatus end) {
    try {
      return upload.brokenBecause(InputUpload.END_WAIT, end);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while waiting for the upload to end");
    }
  }
}
