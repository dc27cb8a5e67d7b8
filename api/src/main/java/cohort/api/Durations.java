package cohort.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the HTTP API and the command line take them: a number and a unit, {@code 500ms},
 * {@code 30s}, {@code 1.5s}, {@code 5m}, {@code 2h}. A bare number is seconds, as in GNU parallel's
 * {@code --timeout} and Python's timeouts. (The HOCON files under {@code conf/} keep HOCON's own
 * rules, where a bare number is milliseconds.)
 */
public final class Durations {

  private static final Pattern DURATION =
      Pattern.compile("(\\d{1,12}(?:\\.\\d{1,9})?)\\s*(ms|s|m|h)?");

  private Durations() {}

  /**
   * Parses a positive duration.
   *
   * @param what the field or option it came from, for the error message, such as {@code
   *     'taskTimeout'}
   * @throws IllegalArgumentException naming {@code what} and the text, with examples
   */
  public static Duration parse(String text, String what) {
    Matcher m = DURATION.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          what + " '" + text + "' is not a duration; write for example 500ms, 30s or 5m");
    }
    BigDecimal amount = new BigDecimal(m.group(1));
    long nanosPerUnit =
        switch (m.group(2) == null ? "s" : m.group(2)) {
          case "ms" -> 1_000_000L;
          case "m" -> 60_000_000_000L;
          case "h" -> 3_600_000_000_000L;
          default -> 1_000_000_000L;
        };
    BigDecimal nanos =
        amount.multiply(BigDecimal.valueOf(nanosPerUnit)).setScale(0, RoundingMode.DOWN);
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException(what + " '" + text + "' is too long; at most 100000h");
    }
    Duration value = Duration.ofNanos(nanos.longValueExact());
    if (value.isZero()) {
      throw new IllegalArgumentException(what + " '" + text + "' must be positive");
    }
    return value;
  }
}
