package cohort.api.labels;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One label: a bare name such as {@code gpu}, or a name with a value such as {@code zone=a}.
 *
 * <p>As a node's label it says what the node has; as a job's requirement it says what a node must
 * have. A required bare name is met by a node with that name, whatever its value ({@code gpu} is
 * met by {@code gpu} and by {@code gpu=a100}); a required {@code name=value} only by a node with
 * that very value.
 *
 * @param name lower-case letters, digits, {@code .}, {@code _} and {@code -}, starting with a
 *     letter or digit
 * @param value the value, or null for a bare name; never empty, without spaces or commas
 */
public record Label(String name, String value) {

  /** The names a label may have. */
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  /** The longest name or value: labels travel with every registration and job. */
  static final int MAX_LENGTH = 63;

  /** What a label looks like, for error messages. */
  static final String FORM =
      "a name such as gpu, or name=value such as zone=a (names: lower-case letters, digits, '.',"
          + " '_' and '-', starting with a letter or digit; values: no spaces, commas or '=')";

  public Label {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches() || name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "label name '"
              + name
              + "' is not valid: use "
              + FORM
              + ", at most "
              + MAX_LENGTH
              + " characters");
    }
    if (value != null
        && (value.isEmpty()
            || value.length() > MAX_LENGTH
            || value.chars().anyMatch(c -> Character.isWhitespace(c) || c == ',' || c == '='))) {
      throw new IllegalArgumentException(
          "label '"
              + name
              + "="
              + value
              + "' has a value that is not valid: use "
              + FORM
              + ", at most "
              + MAX_LENGTH
              + " characters");
    }
  }

  /**
   * Reads a label as written: {@code gpu} or {@code zone=a}.
   *
   * @param what what the text is, for the error message, such as {@code "--label"}
   * @throws IllegalArgumentException saying what is wrong and what a label looks like
   */
  public static Label parse(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(what + " is empty; give " + FORM);
    }
    String trimmed = text.trim();
    int eq = trimmed.indexOf('=');
    try {
      return eq < 0
          ? new Label(trimmed, null)
          : new Label(trimmed.substring(0, eq), trimmed.substring(eq + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what + " '" + trimmed + "' is not a label: use " + FORM, e);
    }
  }

  /** Whether a node with these labels (value by name, null for a bare name) meets this one. */
  public boolean metBy(Map<String, String> labels) {
    if (!labels.containsKey(name)) {
      return false;
    }
    return value == null || value.equals(labels.get(name));
  }

  /** The label as written: {@code gpu} or {@code zone=a}. */
  @Override
  public String toString() {
    return value == null ? name : name + "=" + value;
  }
}
