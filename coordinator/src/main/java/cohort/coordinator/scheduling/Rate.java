package cohort.coordinator.scheduling;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many inputs may start per second, as {@code --rate 100/s} says it: a number (decimals
 * allowed) over {@code s}, {@code m} or {@code h}.
 *
 * @param perSecond inputs a second, more than 0
 * @param text how the user wrote it, for messages and the job's status
 */
public record Rate(double perSecond, String text) {

  private static final Pattern FORM =
      Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*/\\s*(s|sec|second|m|min|minute|h|hour)\\s*");

  /** The most inputs a second a rate may allow: beyond it a rate limits nothing. */
  static final double MAX_PER_SECOND = 1_000_000;

  public Rate {
    if (!(perSecond > 0) || perSecond > MAX_PER_SECOND) {
      throw new IllegalArgumentException(
          "the rate "
              + text
              + " is not between 1/h and "
              + (long) MAX_PER_SECOND
              + "/s: give inputs per second, minute or hour, such as 100/s or 30/m");
    }
  }

  /**
   * Reads a rate such as {@code 100/s}, {@code 30/m} or {@code 2.5/h}.
   *
   * @param what the option or field it came from, for the message
   * @throws IllegalArgumentException saying what is wrong and how to write it
   */
  public static Rate parse(String text, String what) {
    Matcher m = FORM.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          what
              + " is \""
              + text
              + "\"; write inputs per second, minute or hour, such as 100/s, 30/m or 2.5/h");
    }
    double count = Double.parseDouble(m.group(1));
    double seconds =
        switch (m.group(2).charAt(0)) {
          case 's' -> 1;
          case 'm' -> 60;
          default -> 3600;
        };
    return new Rate(count / seconds, text.trim());
  }

  /**
   * How many inputs may start at once after a quiet spell: a tenth of a second's worth, at least
   * one, so no second ever sees much more than the rate.
   */
  double burst() {
    return Math.max(1.0, Math.ceil(perSecond / 10.0));
  }

  @Override
  public String toString() {
    return text;
  }
}
