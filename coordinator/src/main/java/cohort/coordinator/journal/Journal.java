package cohort.coordinator.journal;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the coordinator journals about its jobs, and reads back after a restart. Calls may come from
 * any thread; each answers once the event is written (or says why it was not), so the caller tells
 * a client nothing the journal does not hold yet.
 */
public interface Journal {

  /** Whether events outlive this JVM; when not, a restart starts with no jobs. */
  boolean durable();

  /** Journals {@code event} for job {@code jobId}; completes once it is written. */
  CompletionStage<Void> record(String jobId, JobRecordEvent event);

  /** What is journaled for job {@code jobId}, replayed. */
  CompletionStage<JobRecordState> state(String jobId);

  /** Forgets job {@code jobId}: its events go, so a restart does not bring it back. */
  CompletionStage<Void> forget(String jobId);

  /** Where the data folder's files are copied for another coordinator, if anywhere. */
  default FileReplica files() {
    return FileReplica.NONE;
  }

  /** The journal of a coordinator without a data folder: it keeps nothing, and answers at once. */
  Journal NONE =
      new Journal() {
        @Override
        public boolean durable() {
          return false;
        }

        @Override
        public CompletionStage<Void> record(String jobId, JobRecordEvent event) {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<JobRecordState> state(String jobId) {
          return CompletableFuture.completedFuture(JobRecordState.EMPTY);
        }

        @Override
        public CompletionStage<Void> forget(String jobId) {
          return CompletableFuture.completedFuture(null);
        }
      };

  /** The first line of a failure's message, for a client or a log line. */
  static String reason(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null
        && (cause instanceof java.util.concurrent.CompletionException
            || cause.getMessage() == null)) {
      cause = cause.getCause();
    }
    String message = Optional.ofNullable(cause.getMessage()).orElse("no reason given");
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
