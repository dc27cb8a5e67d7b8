package cohort.coordinator.journal;

import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.IntegerRange;

/**
 * Where a job's inputs come from, as its journal keeps them: a range or a split range by its
 * bounds, a list or a stream by how many inputs it had when last journaled (their values are kept
 * beside the journal, not in it: a list may be 64 MiB).
 *
 * @param kind the kind of source
 * @param start a range's first integer
 * @param end a range's end, exclusive
 * @param parts how many parts a split range is cut into
 * @param count how many inputs a list or a stream holds
 */
public record JobInputs(Kind kind, long start, long end, long parts, long count) {

  /** The kinds of input source. */
  public enum Kind {
    LIST,
    RANGE,
    SPLIT,
    STREAM
  }

  public JobInputs {
    if (kind == null) {
      throw new IllegalArgumentException("the kind of inputs is missing");
    }
    if (end < start || parts < 0 || count < 0) {
      throw new IllegalArgumentException(
          "inputs out of range: "
              + kind
              + " "
              + start
              + ".."
              + end
              + ", "
              + parts
              + " parts, "
              + count
              + " inputs");
    }
  }

  /** The integers {@code start} (inclusive) to {@code end} (exclusive), one input each. */
  public static JobInputs range(long start, long end) {
    return new JobInputs(Kind.RANGE, start, end, 0, 0);
  }

  /** The integers {@code start} to {@code end} cut into {@code parts} ranges, one input each. */
  public static JobInputs split(long start, long end, long parts) {
    return new JobInputs(Kind.SPLIT, start, end, parts, 0);
  }

  /** How the journal keeps the inputs of {@code source}. */
  public static JobInputs of(InputSource source) {
    if (source.isStreamed()) {
      return new JobInputs(Kind.STREAM, 0, 0, 0, source.size());
    }
    if (source.integers().isPresent()) {
      IntegerRange range = source.integers().get();
      return source.parts() > 0
          ? split(range.start(), range.end(), source.parts())
          : range(range.start(), range.end());
    }
    return list(source.size());
  }

  /** How many inputs there are; for a stream, how many it had when journaled. */
  public long size() {
    return switch (kind) {
      case RANGE -> end - start;
      case SPLIT -> parts;
      case LIST, STREAM -> count;
    };
  }

  /** Whether the inputs are kept in a file beside the journal ({@link InputFiles}). */
  public boolean kept() {
    return kind == Kind.LIST;
  }

  /**
   * The inputs again, after a restart: a range from its bounds, a list from its file.
   *
   * @throws IllegalStateException when a list's file is missing or damaged
   */
  public InputSource source(String jobId, InputFiles files) {
    return switch (kind) {
      case RANGE -> InputSource.range(start, end);
      case SPLIT -> InputSource.split(start, end, parts);
      case LIST -> files.read(jobId);
      case STREAM -> InputSource.streamed();
    };
  }

  /** A list of {@code count} inputs. */
  public static JobInputs list(long count) {
    return new JobInputs(Kind.LIST, 0, 0, 0, count);
  }
}
