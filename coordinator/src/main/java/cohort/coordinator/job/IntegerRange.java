package cohort.coordinator.job;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The integers {@code start, start+1, ..., end-1}, like Python's {@code range(start, end)}.
 *
 * @param start the first integer
 * @param end one past the last integer
 */
public record IntegerRange(long start, long end) {

  private static final Pattern TEXT =
      Pattern.compile("\\s*(-?[0-9][0-9_]*)\\s*\\.\\.\\s*(-?[0-9][0-9_]*)\\s*");

  /**
   * @throws IllegalArgumentException when the range ends before it starts
   */
  public IntegerRange {
    if (end < start) {
      throw new IllegalArgumentException(
          "range " + start + ".." + end + " ends before it starts; write the smaller number first");
    }
  }

  /**
   * Parses {@code A..B}; underscores between digits are allowed.
   *
   * @throws IllegalArgumentException when the text is not a range of 64-bit integers
   */
  public static IntegerRange parse(String text) {
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "range '" + text + "' is not A..B with integers A and B; for example 0..1000");
    }
    long start;
    long end;
    try {
      start = Long.parseLong(m.group(1).replace("_", ""));
      end = Long.parseLong(m.group(2).replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "range '" + text + "' has a number outside the 64-bit integers");
    }
    return new IntegerRange(start, end);
  }

  /**
   * How many integers the range holds.
   *
   * @throws IllegalArgumentException when that is more than a 64-bit count
   */
  public long size() {
    if (end - start < 0) {
      throw new IllegalArgumentException(
          "range "
              + start
              + ".."
              + end
              + " has more than "
              + Long.MAX_VALUE
              + " integers; cut it into parts with split");
    }
    return end - start;
  }
}
