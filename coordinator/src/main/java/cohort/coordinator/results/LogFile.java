package cohort.coordinator.results;

import cohort.coordinator.job.ResultBlock;
import cohort.coordinator.joblog.JobLogFile;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The file a {@link ResultWriter} appends result frames to: it counts the results and bytes that
 * reach it, and notes which file inputs ({@code "blob"} fields) those results free. Opened at a
 * mark, it goes on after what a restarted coordinator recovered; bytes after the mark are cut. The
 * job log's rows go beside it ({@link JobLogFile}), cut at the same results.
 *
 * <p>Used by one writer; not thread-safe.
 */
final class LogFile implements AutoCloseable {

  private final FileChannel channel;
  private final CountingStream out;
  private final ResultFrameWriter frames = new ResultFrameWriter();
  private final JobLogFile jobLog;
  private long results;
  private List<String> freed = new ArrayList<>();

  private LogFile(FileChannel channel, JobLogFile jobLog, long bytes, long results) {
    this.channel = channel;
    this.jobLog = jobLog;
    this.out =
        new CountingStream(
            new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), bytes);
    this.results = results;
  }

  /**
   * Opens {@code file} to append after its first {@code bytes} bytes, which hold {@code results}
   * results; a new file when both are 0.
   */
  static LogFile openAt(Path file, long bytes, long results) throws IOException {
    Files.createDirectories(file.getParent());
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    JobLogFile jobLog;
    try {
      channel.truncate(bytes);
      channel.position(bytes);
      jobLog = JobLogFile.openAt(file, results);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return new LogFile(channel, jobLog, bytes, results);
  }

  /** Writes a block as one frame, and notes the blobs its inputs name. */
  void write(ResultBlock block) throws IOException {
    frames.write(block, out);
    jobLog.write(block);
    results += block.size();
    if (block.inputs().integers()) {
      return;
    }
    for (JsonNode input : block.inputs()) {
      if (input.isObject()) {
        JsonNode blob = input.get("blob");
        if (blob != null && blob.isTextual()) {
          freed.add(blob.textValue());
        }
      }
    }
  }

  /** Hands what is buffered to the file; a crash of this JVM no longer loses it. */
  void flush() throws IOException {
    out.flush();
    jobLog.flush();
  }

  /** Flushes and syncs to the disk: a crash of the machine no longer loses it either. */
  void sync() throws IOException {
    out.flush();
    channel.force(false);
    jobLog.sync();
  }

  /**
   * Bytes {@code from} (inclusive) to {@code to} (exclusive) of the file, which must be flushed: a
   * positional read, safe from another thread while this file is written after {@code to}.
   */
  byte[] read(long from, long to) throws IOException {
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(Math.toIntExact(to - from));
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, from + buffer.position()) < 0) {
        throw new java.io.EOFException("the result log ends before byte " + to);
      }
    }
    return buffer.array();
  }

  /** Bytes written, counting those the file had when opened. */
  long bytes() {
    return out.count;
  }

  /** Results written, counting those the file had when opened. */
  long results() {
    return results;
  }

  /** The blobs of the inputs written since the last call: they may go once those are kept. */
  List<String> takeFreed() {
    List<String> taken = freed;
    freed = new ArrayList<>();
    return taken;
  }

  @Override
  public void close() throws IOException {
    try (JobLogFile rows = jobLog) {
      out.close();
    }
  }

  /** Counts the bytes that reach the buffered stream, so flushes know the committed length. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out, long count) {
      super(out);
      this.count = count;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
