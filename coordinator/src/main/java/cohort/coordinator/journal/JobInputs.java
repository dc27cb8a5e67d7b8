package cohort.coordinator.journal;

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

  /** A list of {@code count} inputs. */
  public static JobInputs list(long count) {
    return new JobInputs(Kind.LIST, 0, 0, 0, count);
  }
}
