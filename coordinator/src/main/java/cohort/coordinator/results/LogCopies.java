package cohort.coordinator.results;

import cohort.coordinator.journal.FileReplica;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The copies of one result log for a standby coordinator ({@link FileReplica}), made on a blocking
 * executor one after another, in the order they were asked for: a cut and the writes after it must
 * not overtake each other. Once one fails, every later one fails too: the log is no longer kept
 * whole.
 */
final class LogCopies {

  private interface Copy {
    void to(FileReplica files) throws IOException;
  }

  private final FileReplica files;
  private final Path log;
  private final Executor blocking;
  private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

  LogCopies(FileReplica files, Path log, Executor blocking) {
    this.files = files;
    this.log = log;
    this.blocking = blocking;
  }

  /** Keeps only the first {@code length} bytes of the log's copy. */
  CompletionStage<Void> cut(long length) {
    return then(replica -> replica.cut(log, length));
  }

  /** Copies bytes {@code from} to {@code to} of {@code file}, flushed, after the copies before. */
  CompletionStage<Void> write(LogFile file, long from, long to) {
    return to > from ? then(replica -> replica.write(log, from, file.read(from, to))) : last;
  }

  private CompletionStage<Void> then(Copy copy) {
    if (files.active()) {
      last =
          last.thenRunAsync(
              () -> {
                try {
                  copy.to(files);
                } catch (IOException e) {
                  throw new UncheckedIOException(e.getMessage(), e);
                }
              },
              blocking);
    }
    return last;
  }
}
