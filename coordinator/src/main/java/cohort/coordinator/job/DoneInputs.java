package cohort.coordinator.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which inputs of a job have their result, as runs of consecutive indexes: what a result log holds
 * when a job is recovered. An ordered job's results form one run from 0; an unordered job's leave
 * gaps where work was in flight. Built once, then read; not thread-safe.
 */
public final class DoneInputs {

  /** Runs by first index, to the index after their last. */
  private final TreeMap<Long, Long> runs = new TreeMap<>();

  private long count;

  /**
   * Adds the run of {@code size} inputs from {@code first}.
   *
   * @throws IllegalArgumentException when any of them is done already: a result log holds each
   *     input once
   */
  public void add(long first, long size) {
    if (first < 0 || size < 1) {
      throw new IllegalArgumentException("no inputs from " + first + ": " + size);
    }
    long end = first + size;
    Map.Entry<Long, Long> before = runs.floorEntry(first);
    Map.Entry<Long, Long> after = runs.ceilingEntry(first);
    if ((before != null && before.getValue() > first) || (after != null && after.getKey() < end)) {
      throw new IllegalArgumentException(
          "inputs " + first + " to " + (end - 1) + " have a result already");
    }
    long start = first;
    if (before != null && before.getValue() == first) {
      start = before.getKey();
      runs.remove(start);
    }
    if (after != null && after.getKey() == end) {
      end = runs.remove(after.getKey());
    }
    runs.put(start, end);
    count += size;
  }

  /**
   * Collects indexes one at a time, in the order a result log holds them, into runs of consecutive
   * ones, each added here when it ends: a log of a million results is then a handful of {@link
   * #add} calls. Call {@link Runs#close} after the last.
   */
  public Runs runs() {
    return new Runs(this);
  }

  /** See {@link #runs()}. */
  public static final class Runs implements AutoCloseable {
    private final DoneInputs into;
    private long start = -1;
    private long size;

    private Runs(DoneInputs into) {
      this.into = into;
    }

    /** The next index with a result. */
    public void next(long index) {
      if (size > 0 && index == start + size) {
        size++;
        return;
      }
      close();
      start = index;
      size = 1;
    }

    /** Adds the run in progress. */
    @Override
    public void close() {
      if (size > 0) {
        into.add(start, size);
        size = 0;
      }
    }
  }

  /**
   * Adds every input done in {@code other}.
   *
   * @throws IllegalArgumentException when any of them is done here already
   */
  public void addAll(DoneInputs other) {
    other.runs.forEach((first, end) -> add(first, end - first));
  }

  /** Whether input {@code index} is done. */
  public boolean contains(long index) {
    Map.Entry<Long, Long> run = runs.floorEntry(index);
    return run != null && run.getValue() > index;
  }

  /** How many inputs are done. */
  public long count() {
    return count;
  }

  /** How many inputs from 0 on are done without a gap. */
  public long prefix() {
    Map.Entry<Long, Long> first = runs.firstEntry();
    return first == null || first.getKey() != 0 ? 0 : first.getValue();
  }

  /** The index after the highest done one; 0 when none is. */
  public long end() {
    return runs.isEmpty() ? 0 : runs.lastEntry().getValue();
  }

  /** The runs of inputs below {@link #end} without a result, as {@code [first, end)} pairs. */
  public List<long[]> gaps() {
    List<long[]> gaps = new ArrayList<>();
    long next = 0;
    for (Map.Entry<Long, Long> run : runs.entrySet()) {
      if (run.getKey() > next) {
        gaps.add(new long[] {next, run.getKey()});
      }
      next = run.getValue();
    }
    return gaps;
  }
}
