package cohort.coordinator.joblog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * Reads a job log as tab-separated text, a chunk at a time, so a log of millions of rows streams in
 * little memory: the header, the rows written so far (whole lines only, as a writer may be
 * mid-row), and, for a job that ended, a row for each input that has none: those inputs never got a
 * result.
 *
 * <p>Blocking; used by one reader. Not thread-safe.
 */
public final class JobLogReader implements AutoCloseable {

  private static final int CHUNK = 64 * 1024;

  private final InputStream in;
  private long left;
  private final long total;
  private final String missing;
  private final BitSet seen;
  private final LongPredicate skipped;
  private boolean headerSent;
  private boolean atLineStart = true;
  private long seq;
  private long nextMissing;

  private JobLogReader(
      InputStream in, long length, long total, String missing, LongPredicate skipped) {
    this.in = in;
    this.skipped = skipped;
    this.left = length;
    this.total = total;
    this.missing = total <= Integer.MAX_VALUE ? missing : null;
    this.seen = this.missing == null ? null : new BitSet((int) total);
  }

  /**
   * Opens the job log of the job whose result log is {@code resultLog}.
   *
   * @param total the job's inputs
   * @param missing the outcome to give inputs without a row ({@link JobLogRow#CANCELLED} or {@link
   *     JobLogRow#NEVER_RUN}) once the job's results are complete; null while they may still come
   * @param skipped inputs that get no row: those a resumed job left to the job it resumes
   * @throws IllegalStateException when the job has results but no job log ({@link #absent})
   */
  public static JobLogReader open(Path resultLog, long total, String missing, LongPredicate skipped)
      throws IOException {
    Optional<String> none = absent(resultLog);
    if (none.isPresent()) {
      throw new IllegalStateException(none.get());
    }
    Path file = JobLogFile.beside(resultLog);
    InputStream in;
    long length;
    try {
      // Measured before it is opened: a stream opened first would leak if measuring failed.
      length = wholeLines(file);
      in = Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      in = InputStream.nullInputStream();
      length = 0;
    }
    return new JobLogReader(in, length, total, missing, skipped);
  }

  /**
   * Why the job whose result log is {@code resultLog} has no job log, when it has results but no
   * job log beside them; empty when it has one, or no results yet.
   */
  public static Optional<String> absent(Path resultLog) throws IOException {
    if (Files.exists(JobLogFile.beside(resultLog))
        || !Files.exists(resultLog)
        || Files.size(resultLog) == 0) {
      return Optional.empty();
    }
    return Optional.of(
        "it has no job log: its first results were written by an older version of Cohort, or"
            + " before this coordinator took over from another");
  }

  /** The length of the file up to its last newline: a row being written is left out. */
  private static long wholeLines(Path file) throws IOException {
    try (var channel = java.nio.channels.FileChannel.open(file)) {
      long end = channel.size();
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      while (end > 0) {
        one.clear();
        channel.read(one, end - 1);
        if (one.get(0) == '\n') {
          return end;
        }
        end--;
      }
      return 0;
    }
  }

  /** The next chunk of text, or null at the end. */
  public byte[] next() throws IOException {
    if (!headerSent) {
      headerSent = true;
      return JobLogRow.HEADER.getBytes(StandardCharsets.UTF_8);
    }
    if (left > 0) {
      byte[] chunk = in.readNBytes((int) Math.min(CHUNK, left));
      if (chunk.length == 0) {
        left = 0;
      } else {
        left -= chunk.length;
        note(chunk);
        return chunk;
      }
    }
    return missing == null ? null : missingRows();
  }

  /** Notes which inputs have rows, from the Seq column at each line's start. */
  private void note(byte[] chunk) {
    if (seen == null) {
      return;
    }
    for (byte b : chunk) {
      if (atLineStart) {
        if (b >= '0' && b <= '9') {
          seq = seq * 10 + (b - '0');
          continue;
        }
        atLineStart = false;
        if (seq >= 1 && seq <= total) {
          seen.set((int) (seq - 1));
        }
        seq = 0;
      }
      if (b == '\n') {
        atLineStart = true;
      }
    }
  }

  private byte[] missingRows() {
    StringBuilder rows = new StringBuilder();
    while (nextMissing < total && rows.length() < CHUNK) {
      int index = seen.nextClearBit((int) nextMissing);
      if (index >= total) {
        nextMissing = total;
        break;
      }
      if (!skipped.test(index)) {
        rows.append(JobLogRow.withoutResult(index, missing).tsv());
      }
      nextMissing = index + 1L;
    }
    return rows.length() == 0 ? null : rows.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
