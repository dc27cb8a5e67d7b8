package cohort.coordinator.results;

import cohort.api.Result;
import cohort.api.ResultFrames;
import cohort.coordinator.job.Combiner;
import cohort.coordinator.job.Counters;
import cohort.coordinator.job.DoneInputs;
import cohort.coordinator.job.Tally;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;

/**
 * A job's result log read back up to the mark its journal holds, for a coordinator that restarts:
 * which inputs have their result, and what those add up to, their counters included. Bytes after
 * the mark were written but never journaled (the coordinator died between the two) and are cut off;
 * a log shorter than its mark, or whose frames do not end at it, is damaged, and says so.
 */
public final class ResultLogScan {

  /**
   * What the log holds up to its mark.
   *
   * @param done the inputs with a result
   * @param tally how they add up, folded in the log's order
   */
  public record Scanned(DoneInputs done, Tally tally) {}

  private ResultLogScan() {}

  /**
   * Reads {@code log} up to {@code mark} bytes.
   *
   * @throws IllegalStateException naming the file, when it is shorter than the mark or its frames
   *     do not end there
   */
  public static Scanned scan(Path log, long mark, Combiner combiner) {
    try {
      long size = Files.exists(log) ? Files.size(log) : 0;
      if (size < mark) {
        throw damaged(log, "it has " + size + " bytes where the journal counts " + mark);
      }
      DoneInputs done = new DoneInputs();
      Tally tally = Tally.NONE;
      if (mark == 0) {
        return new Scanned(done, tally);
      }
      checkFrames(log, mark);
      try (InputStream in = new Limited(Files.newInputStream(log), mark)) {
        // Each frame's counters come as it is decoded, before its results.
        Counters[] counted = {Counters.NONE};
        Iterator<Result> results =
            ResultFrames.read(
                new BufferedInputStream(in, 64 * 1024),
                added -> counted[0] = counted[0].plus(Counters.of(added)));
        DoneInputs.Runs runs = done.runs();
        while (results.hasNext()) {
          Result result = results.next();
          runs.next(result.index());
          tally = tally.plus(result, combiner);
        }
        runs.close();
        tally = tally.counting(counted[0]);
      } catch (UncheckedIOException | IllegalArgumentException e) {
        throw damaged(log, e.getMessage() + " within the first " + mark + " bytes");
      }
      return new Scanned(done, tally);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the result log " + log + ": " + e.getMessage(), e);
    }
  }

  /** Checks that whole frames fill the first {@code mark} bytes, reading only their lengths. */
  private static void checkFrames(Path log, long mark) throws IOException {
    ByteBuffer length = ByteBuffer.allocate(4);
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
      long position = 0;
      while (position < mark) {
        length.clear();
        if (position + 4 > mark || channel.read(length, position) < 4) {
          throw damaged(log, "a frame's length is cut at byte " + mark);
        }
        int frame = length.getInt(0);
        if (frame < 0 || frame > ResultFrames.MAX_FRAME_BYTES) {
          throw damaged(log, "a frame of " + frame + " bytes at byte " + position);
        }
        position += 4L + frame;
      }
      if (position != mark) {
        throw damaged(log, "a frame ends at byte " + position + ", past the mark " + mark);
      }
    }
  }

  /**
   * Cuts {@code log} to its first {@code mark} bytes and syncs it: what follows was never
   * journaled.
   */
  public static void truncate(Path log, long mark) {
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
      if (channel.size() > mark) {
        channel.truncate(mark);
        channel.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot cut the result log " + log + " to " + mark + " bytes: " + e.getMessage(), e);
    }
  }

  private static IllegalStateException damaged(Path log, String why) {
    return new IllegalStateException(
        "the result log "
            + log
            + " is damaged ("
            + why
            + "); the coordinator cannot resume its job: restore the data folder from a backup,"
            + " or move the folder away to start with no jobs");
  }

  /** The first {@code limit} bytes of a stream. */
  private static final class Limited extends FilterInputStream {

    private long left;

    Limited(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(buffer, offset, (int) Math.min(length, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
