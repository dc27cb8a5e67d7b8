package cohort.coordinator.job;

import cohort.protocol.CounterDeltas;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A job's counter totals, or what a block of results adds to them: an immutable map from counter
 * name to value, in name order. Totals are exact; one that would pass the range of a {@code long}
 * stays at its limit, {@link Long#MAX_VALUE} or {@link Long#MIN_VALUE}, rather than wrap.
 */
public final class Counters {

  /** No counter. */
  public static final Counters NONE = new Counters(Collections.emptySortedMap());

  private final SortedMap<String, Long> values;

  private Counters(SortedMap<String, Long> values) {
    this.values = values;
  }

  /** These values. */
  public static Counters of(Map<String, Long> values) {
    return values.isEmpty()
        ? NONE
        : new Counters(Collections.unmodifiableSortedMap(new TreeMap<>(values)));
  }

  /**
   * What the inputs at batch offsets {@code [from, to)} added, as {@code deltas} carries it; {@link
   * #NONE} when {@code deltas} is null.
   */
  public static Counters of(CounterDeltas deltas, int from, int to) {
    if (deltas == null) {
      return NONE;
    }
    TreeMap<String, Long> sums = null;
    int[] offsets = deltas.offsets();
    // Offsets ascend: start at the first entry at or after from, found by halving.
    int low = 0;
    int high = offsets.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (offsets[mid] < from) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    for (int i = low; i < offsets.length && offsets[i] < to; i++) {
      sums = sums == null ? new TreeMap<>() : sums;
      sums.merge(deltas.name(i), deltas.deltas()[i], Counters::saturatedAdd);
    }
    return sums == null ? NONE : new Counters(Collections.unmodifiableSortedMap(sums));
  }

  /** These counters with {@code more} added, name by name. */
  public Counters plus(Counters more) {
    if (more.values.isEmpty()) {
      return this;
    }
    if (values.isEmpty()) {
      return more;
    }
    TreeMap<String, Long> sums = new TreeMap<>(values);
    more.values.forEach((name, value) -> sums.merge(name, value, Counters::saturatedAdd));
    return new Counters(Collections.unmodifiableSortedMap(sums));
  }

  /** {@code a + b}, or the limit it would pass. */
  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Overflow only when both have the same sign and the sum's sign differs.
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The values by name, in name order; unmodifiable. */
  public SortedMap<String, Long> asMap() {
    return values;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Counters counters && counters.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
