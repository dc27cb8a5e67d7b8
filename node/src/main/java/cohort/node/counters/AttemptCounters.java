package cohort.node.counters;

import cohort.task.Counter;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one attempt of one input adds to its job's counters, collected while its task runs, from any
 * of the task's threads. {@link #seal()} ends the attempt: it hands over the sums, and the task's
 * later additions (from a thread it left running) are refused, so what travels with the result is
 * all the attempt will ever count.
 */
public final class AttemptCounters {

  private final CounterNames.Job names;
  private final Map<String, Long> sums = new TreeMap<>();
  private boolean sealed;

  /**
   * @param names the names of the attempt's job, as its batch sees them
   */
  public AttemptCounters(CounterNames.Job names) {
    this.names = names;
  }

  /**
   * The counter of this name; it counts in the job's totals with 0 even if nothing is added.
   *
   * @throws IllegalArgumentException when the name is not one, or the job has too many
   */
  public Counter counter(String name) {
    names.admit(name);
    synchronized (this) {
      refuseIfSealed(name);
      sums.putIfAbsent(name, 0L);
    }
    return delta -> add(name, delta);
  }

  private synchronized void add(String name, long delta) {
    refuseIfSealed(name);
    long sum = sums.getOrDefault(name, 0L);
    try {
      sums.put(name, Math.addExact(sum, delta));
    } catch (ArithmeticException overflow) {
      throw new ArithmeticException(
          "adding "
              + delta
              + " to counter '"
              + name
              + "' (at "
              + sum
              + ") passes the range of a counter, "
              + Long.MIN_VALUE
              + " to "
              + Long.MAX_VALUE);
    }
  }

  private void refuseIfSealed(String name) {
    if (sealed) {
      throw new IllegalStateException(
          "counter '"
              + name
              + "' was used after its task returned; add to counters before the task returns");
    }
  }

  /** Ends the attempt: its sums by name, none when no counter was used. */
  public synchronized Map<String, Long> seal() {
    sealed = true;
    return sums;
  }
}
