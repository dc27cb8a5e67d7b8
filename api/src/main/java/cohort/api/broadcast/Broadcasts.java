package cohort.api.broadcast;

import cohort.api.code.CodeRef;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules of a job's broadcasts: data a job names by SHA-256 ({@code PUT /broadcasts/{sha256}}
 * first), which each node fetches once and keeps by digest, and which tasks read by name through
 * their context.
 */
public final class Broadcasts {

  /** Broadcasts one job may name at most. */
  public static final int MAX_PER_JOB = 32;

  /**
   * Bytes one broadcast may have at most whatever the coordinator's setting: a node maps it as one
   * buffer, and a Java buffer holds at most this.
   */
  public static final long MAX_BYTES = Integer.MAX_VALUE - 64L;

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

  private Broadcasts() {}

  /**
   * Checks a job's broadcasts.
   *
   * @return a copy sorted by name; empty for null
   * @throws IllegalArgumentException naming the bad name or digest and what it takes
   */
  public static Map<String, String> check(Map<String, String> broadcasts) {
    if (broadcasts == null || broadcasts.isEmpty()) {
      return Map.of();
    }
    if (broadcasts.size() > MAX_PER_JOB) {
      throw new IllegalArgumentException(
          "the job names "
              + broadcasts.size()
              + " broadcasts; a job may name at most "
              + MAX_PER_JOB
              + ": pack small files into one");
    }
    Map<String, String> sorted = new TreeMap<>();
    broadcasts.forEach(
        (name, digest) -> {
          checkName(name);
          try {
            sorted.put(name, CodeRef.checkDigest(digest));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("broadcast '" + name + "': " + e.getMessage());
          }
        });
    return java.util.Collections.unmodifiableMap(sorted);
  }

  /**
   * A broadcast's name as jobs give it: a letter, then up to 63 letters, digits, dots, dashes or
   * underscores.
   *
   * @return the name
   * @throws IllegalArgumentException saying what a name looks like
   */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' is not a broadcast name; use a letter, then up to 63 letters, digits, '.', '-'"
              + " or '_', such as model or words.txt");
    }
    return name;
  }
}
