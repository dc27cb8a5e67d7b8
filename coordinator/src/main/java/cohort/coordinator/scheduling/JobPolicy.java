package cohort.coordinator.scheduling;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a job asks of the scheduler: its priority, a cap on its own running inputs, the named limits
 * it shares with other jobs, and rates. Part of the job's spec, so a restarted coordinator keeps
 * it.
 *
 * @param priority higher runs first; 0 by default, from {@value #MIN_PRIORITY} to {@value
 *     #MAX_PRIORITY}
 * @param maxRunning the most inputs of the job running at once across the cluster; 0 for no cap
 * @param limits named limits and the slots each allows all the jobs that name it together, by name
 * @param rate the most inputs of the job started a second across the cluster, or null
 * @param rates rates shared by the jobs that name them, by name
 */
public record JobPolicy(
    int priority,
    int maxRunning,
    SortedMap<String, Integer> limits,
    Rate rate,
    SortedMap<String, Rate> rates) {

  public static final int MIN_PRIORITY = -1000;
  public static final int MAX_PRIORITY = 1000;

  /** The most slots a named limit may be given. */
  public static final int MAX_SLOTS = 1_000_000;

  /** The policy of a job that asks for nothing. */
  public static final JobPolicy NONE = new JobPolicy(0, 0, null, null, null);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public JobPolicy {
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      throw new IllegalArgumentException(
          "the priority "
              + priority
              + " is out of range: use a whole number from "
              + MIN_PRIORITY
              + " to "
              + MAX_PRIORITY
              + " (higher runs first, 0 is the default)");
    }
    if (maxRunning < 0 || maxRunning > MAX_SLOTS) {
      throw new IllegalArgumentException(
          "max-running is "
              + maxRunning
              + ": use a whole number of inputs from 1 to "
              + MAX_SLOTS
              + ", or leave it out for no cap");
    }
    limits = limits == null ? new TreeMap<>() : new TreeMap<>(limits);
    for (Map.Entry<String, Integer> limit : limits.entrySet()) {
      checkName(limit.getKey(), "limit");
      Integer slots = limit.getValue();
      if (slots == null || slots < 1 || slots > MAX_SLOTS) {
        throw new IllegalArgumentException(
            "the limit "
                + limit.getKey()
                + "="
                + slots
                + " needs a whole number of slots from 1 to "
                + MAX_SLOTS
                + ", such as "
                + limit.getKey()
                + "=4 (or "
                + limit.getKey()
                + "=1 for a lock)");
      }
    }
    rates = rates == null ? new TreeMap<>() : new TreeMap<>(rates);
    for (String name : rates.keySet()) {
      checkName(name, "rate");
    }
    limits = java.util.Collections.unmodifiableSortedMap(limits);
    rates = java.util.Collections.unmodifiableSortedMap(rates);
  }

  private static void checkName(String name, String what) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "the "
              + what
              + " name \""
              + name
              + "\" is not a name: use letters, digits, '.', '_' or '-' (up to 64), starting with"
              + " a letter or digit, such as db or api.example");
    }
  }

  /** Whether the job's running inputs are capped, by its own cap or a named limit. */
  public boolean capped() {
    return maxRunning > 0 || !limits.isEmpty();
  }

  /** Whether anything here differs from {@link #NONE}. */
  public boolean any() {
    return priority != 0 || capped() || rate != null || !rates.isEmpty();
  }

  /**
   * How a person reads it: {@code priority 5, max-running 3, limit db=4, rate 100/s, rate
   * api=10/s}; null for {@link #NONE}.
   */
  public String describe() {
    java.util.List<String> parts = new java.util.ArrayList<>();
    if (priority != 0) {
      parts.add("priority " + priority);
    }
    if (maxRunning > 0) {
      parts.add("max-running " + maxRunning);
    }
    limits.forEach((name, slots) -> parts.add("limit " + name + "=" + slots));
    if (rate != null) {
      parts.add("rate " + rate);
    }
    rates.forEach((name, value) -> parts.add("rate " + name + "=" + value));
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  /** This policy with another priority. */
  public JobPolicy withPriority(int value) {
    return new JobPolicy(value, maxRunning, limits, rate, rates);
  }
}
