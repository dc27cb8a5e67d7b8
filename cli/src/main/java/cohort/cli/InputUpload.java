package cohort.cli;

import cohort.api.JobStatus;
import cohort.client.CohortClient;
import cohort.client.CohortException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;

/**
 * The upload of a streamed job's inputs ({@code --input-file}, {@code --dir}), on a thread of its
 * own while the results come back. When the job has ended, {@link #brokenBecause} waits for the
 * upload's own end before reading how it went, so an upload that broke is reported as such and not
 * as an ordinary failed job.
 */
final class InputUpload {

  /** Where the inputs come from. */
  interface Source extends Iterator<JsonNode>, Closeable {

    /**
     * The failure this source met making an input, such as a line it could not read; empty when
     * there was none, or when the source only stopped because it was closed.
     */
    Optional<RuntimeException> failure();

    /** Releases what the source holds (a file, threads); safe from any thread, more than once. */
    @Override
    void close();
  }

  /** How long the upload may take to end once the job has: it normally has already. */
  static final Duration END_WAIT = Duration.ofSeconds(5);

  private final Source source;
  private final Thread thread;
  private volatile RuntimeException failure;

  private InputUpload(CohortClient client, String jobId, Source source, Duration reconnect) {
    this.source = source;
    this.thread =
        new Thread(
            () -> {
              try {
                client.sendInputs(jobId, source, reconnect, () -> source.failure().isPresent());
              } catch (RuntimeException e) {
                failure = e;
                try {
                  client.cancel(jobId);
                } catch (RuntimeException ignored) {
                  // the coordinator cancels a job whose upload broke by itself
                }
              } finally {
                source.close();
              }
            },
            "upload-inputs");
    thread.setDaemon(true);
  }

  /**
   * Starts sending the source's inputs to the job; the thread closes the source when it ends.
   *
   * @param reconnect how long to wait for a coordinator that went away, to go on sending
   */
  static InputUpload start(CohortClient client, String jobId, Source source, Duration reconnect) {
    InputUpload upload = new InputUpload(client, jobId, source, reconnect);
    upload.thread.start();
    return upload;
  }

  /**
   * Waits, up to {@code wait}, for the upload to end now that the job has, and says why it broke.
   * An upload still running then (blocked reading a pipe whose writer is idle, for a job cancelled
   * meanwhile) is stopped by closing its source: the job takes no more inputs.
   *
   * @param end the job's status after its end
   * @return the reason in plain words, or empty when every input was sent, or when the job had
   *     ended for a reason of its own (a cancel) before the upload could finish
   */
  Optional<String> brokenBecause(Duration wait, JobStatus end) throws InterruptedException {
    thread.join(wait.toMillis());
    if (thread.isAlive()) {
      source.close();
      return Optional.empty();
    }
    RuntimeException broken = failure;
    if (broken == null) {
      return Optional.empty();
    }
    Optional<RuntimeException> own = source.failure();
    if (own.isPresent()) {
      return Optional.of(own.get().getMessage());
    }
    if (broken instanceof CohortException answered && answered.httpStatus() != 0) {
      // 409: the job had ended (cancelled) before all its inputs were in; its state says why.
      return answered.httpStatus() == 409 ? Optional.empty() : Optional.of(answered.getMessage());
    }
    // The connection broke. A coordinator that refuses an input cancels the job with the reason and
    // closes the connection, often before this client has read its answer: the job has the reason.
    if (end.state() == JobStatus.State.CANCELLED && end.message() != null) {
      return Optional.of(end.message());
    }
    return Optional.of(broken.getMessage());
  }

  /** Closes the source, whether or not the upload ended: nothing more is sent. */
  void close() {
    source.close();
  }
}
