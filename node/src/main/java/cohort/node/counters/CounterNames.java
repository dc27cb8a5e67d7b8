package cohort.node.counters;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a counter's name may be, and how many names a job may use: {@value #MAX_NAMES}, so a task
 * that makes names from its data (one counter per user) fails at once with a clear error rather
 * than filling the job's status. The names each job used are remembered for the node's most recent
 * {@value #JOBS_REMEMBERED} jobs. Thread-safe: one per node, shared by its slots.
 */
public final class CounterNames {

  /** Distinct counter names a job may use. */
  public static final int MAX_NAMES = 100;

  /** The longest name. */
  public static final int MAX_LENGTH = 64;

  /** Jobs whose names are remembered; the oldest is forgotten past it. */
  static final int JOBS_REMEMBERED = 1_000;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1," + MAX_LENGTH + "}");

  private final Map<String, Set<String>> byJob =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
          return size() > JOBS_REMEMBERED;
        }
      };

  /**
   * Checks that {@code name} is a counter name and that the job may use it.
   *
   * @throws IllegalArgumentException saying what is wrong and how to fix it
   */
  public void admit(String job, String name) {
    check(name);
    synchronized (byJob) {
      Set<String> names = byJob.computeIfAbsent(job, id -> new HashSet<>());
      if (names.contains(name) || names.size() < MAX_NAMES) {
        names.add(name);
        return;
      }
    }
    throw new IllegalArgumentException(
        "counter '"
            + name
            + "' would be counter number "
            + (MAX_NAMES + 1)
            + " of the job; a job may use at most "
            + MAX_NAMES
            + " counter names: count kinds of things, not individual items");
  }

  /** The names of one job as one batch sees them; see {@link Job}. */
  public Job job(String job) {
    return new Job(job);
  }

  /**
   * One batch's view of its job's names: it remembers the names it admitted, so that each is
   * checked against the node's list, under its shared lock, once a batch rather than once an input.
   * Thread-safe.
   */
  public final class Job {
    private final String job;
    private volatile Set<String> admitted;

    private Job(String job) {
      this.job = job;
    }

    /**
     * Checks that {@code name} is a counter name and that the job may use it.
     *
     * @throws IllegalArgumentException saying what is wrong and how to fix it
     */
    public void admit(String name) {
      Set<String> seen = admitted;
      if (seen != null && name != null && seen.contains(name)) {
        return;
      }
      CounterNames.this.admit(job, name);
      if (seen == null) {
        synchronized (this) {
          if (admitted == null) {
            admitted = java.util.concurrent.ConcurrentHashMap.newKeySet();
          }
          seen = admitted;
        }
      }
      seen.add(name);
    }
  }

  /**
   * Checks the shape of a name.
   *
   * @throws IllegalArgumentException saying what is wrong and how to fix it
   */
  public static void check(String name) {
    if (name == null) {
      throw new IllegalArgumentException("a counter needs a name, such as \"skipped\"");
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'"
              + (name.length() > 80 ? name.substring(0, 80) + "..." : name)
              + "' is not a counter name: use 1 to "
              + MAX_LENGTH
              + " letters, digits, '-', '_' or '.', such as \"skipped\" or \"rows.read\"");
    }
  }
}
