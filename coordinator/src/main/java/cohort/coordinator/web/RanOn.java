package cohort.coordinator.web;

import cohort.coordinator.joblog.JobLogRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a job's inputs ran: its inputs with a result, by node, counted from its job log (the {@code
 * .joblog} file beside its results). Each update reads only the rows written since the one before,
 * so a job's page can ask every few seconds however long the job is. Thread-safe.
 */
public final class RanOn {

  /** A node's share of a job: inputs with an output there, and inputs whose result is an error. */
  public record Count(long ok, long failed) {}

  private static final int CHUNK = 64 * 1024;
  private static final int HOST = 1;
  private static final int OUTCOME = 10;

  private final Map<String, long[]> counts = new TreeMap<>();
  private long offset;
  private byte[] partial = new byte[0];

  /** Reads the rows added to {@code joblog} since the last update; the counts so far. */
  synchronized Map<String, Count> update(Path joblog) throws IOException {
    try (FileChannel channel = FileChannel.open(joblog, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < offset) {
        // The log was cut (a restart keeps only the rows of kept results): count again.
        counts.clear();
        offset = 0;
        partial = new byte[0];
      }
      ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
      while (offset < size) {
        buffer.clear();
        int read = channel.read(buffer, offset);
        if (read <= 0) {
          break;
        }
        offset += read;
        take(buffer.array(), read);
      }
    } catch (NoSuchFileException e) {
      // No result yet, or a job from before job logs: nothing ran anywhere that it knows of.
    }
    return snapshot();
  }

  /** Counts the whole lines in {@code bytes}, keeping a cut last line for the next read. */
  private void take(byte[] bytes, int length) {
    byte[] data = bytes;
    int from = 0;
    int end = length;
    if (partial.length > 0) {
      data = new byte[partial.length + length];
      System.arraycopy(partial, 0, data, 0, partial.length);
      System.arraycopy(bytes, 0, data, partial.length, length);
      end = data.length;
    }
    for (int i = 0; i < end; i++) {
      if (data[i] == '\n') {
        count(new String(data, from, i - from, StandardCharsets.UTF_8));
        from = i + 1;
      }
    }
    byte[] rest = new byte[end - from];
    System.arraycopy(data, from, rest, 0, rest.length);
    partial = rest;
  }

  private void count(String row) {
    String[] columns = row.split("\t", -1);
    if (columns.length <= OUTCOME || columns[HOST].equals("-")) {
      return;
    }
    long[] count = counts.computeIfAbsent(columns[HOST], host -> new long[2]);
    count[columns[OUTCOME].equals(JobLogRow.OK) ? 0 : 1]++;
  }

  private Map<String, Count> snapshot() {
    Map<String, Count> copy = new TreeMap<>();
    counts.forEach((host, count) -> copy.put(host, new Count(count[0], count[1])));
    return copy;
  }
}
