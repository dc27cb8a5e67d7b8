package cohort.coordinator.joblog;

import cohort.coordinator.job.ResultBlock;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The job log's rows as a job's result writer appends them: one line per result, in the order of
 * the result log, so the first N lines belong to the first N results. A restarted coordinator cuts
 * both files to the results it kept: the rows after them run again and are written again.
 *
 * <p>Used by one writer; not thread-safe.
 */
public final class JobLogFile implements AutoCloseable {

  /** Null when the job has none: it has results from before its job log was kept. */
  private final FileChannel channel;

  private final OutputStream out;

  private JobLogFile(FileChannel channel) {
    this.channel = channel;
    this.out =
        channel == null
            ? OutputStream.nullOutputStream()
            : new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
  }

  /** Where the job log of the job whose result log is {@code resultLog} is kept. */
  public static Path beside(Path resultLog) {
    String name = resultLog.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return resultLog.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".joblog");
  }

  /**
   * Opens the job log beside {@code resultLog} to append after its first {@code rows} rows: the
   * rows of the results the result log keeps. A log with fewer rows is kept whole. Results without
   * a job log (an older coordinator wrote them, or a standby took over: it has copies of result
   * logs only) get none: a log of the later rows alone would call the earlier inputs never run.
   */
  public static JobLogFile openAt(Path resultLog, long rows) throws IOException {
    Path file = beside(resultLog);
    if (rows > 0 && !Files.exists(file)) {
      return new JobLogFile(null);
    }
    long keep = rows == 0 ? 0 : offsetAfter(file, rows);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      channel.truncate(keep);
      channel.position(keep);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return new JobLogFile(channel);
  }

  /** The byte offset after the first {@code rows} lines of {@code file}, or its length. */
  private static long offsetAfter(Path file, long rows) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    long offset = 0;
    long lines = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      int b;
      while (lines < rows && (b = in.read()) >= 0) {
        offset++;
        if (b == '\n') {
          lines++;
        }
      }
    }
    return offset;
  }

  /** Appends the rows of a block of results. */
  public void write(ResultBlock block) throws IOException {
    for (JobLogRow row : JobLogRow.of(block)) {
      out.write(row.tsv().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Hands what is buffered to the file. */
  public void flush() throws IOException {
    out.flush();
  }

  /** Flushes and syncs to the disk, with the results it belongs to. */
  public void sync() throws IOException {
    out.flush();
    if (channel != null) {
      channel.force(false);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
