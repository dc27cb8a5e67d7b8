package cohort.protocol;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the tasks of a batch's inputs added to their job's counters, input by input, as it travels
 * with the inputs' results: entry {@code i} says that the attempt of the input at batch offset
 * {@code offsets[i]} added {@code deltas[i]} to the counter {@code names.get(counters[i])}. Kept
 * per input because the coordinator counts an input's additions only when it takes that attempt's
 * result as the input's final one. Column by column, so that a counter touched by every input of a
 * batch costs a few bytes per input. Messages carry null instead when no input touched a counter.
 *
 * @param names the counters' names, each once
 * @param offsets each entry's input, as its offset in the batch, in ascending order
 * @param counters each entry's counter, as an index into {@code names}
 * @param deltas each entry's sum of additions
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"names", "offsets", "counters", "deltas"})
public record CounterDeltas(List<String> names, int[] offsets, int[] counters, long[] deltas)
    implements CborSerializable {

  public CounterDeltas {
    names = List.copyOf(names);
    Objects.requireNonNull(offsets, "offsets");
    Objects.requireNonNull(counters, "counters");
    Objects.requireNonNull(deltas, "deltas");
    if (offsets.length != counters.length || offsets.length != deltas.length) {
      throw new IllegalArgumentException(
          "counter deltas have "
              + offsets.length
              + " offsets, "
              + counters.length
              + " counters and "
              + deltas.length
              + " deltas");
    }
    for (int i = 0; i < offsets.length; i++) {
      if (counters[i] < 0 || counters[i] >= names.size()) {
        throw new IllegalArgumentException("counter delta " + i + " names no counter");
      }
      if (i > 0 && offsets[i] < offsets[i - 1]) {
        throw new IllegalArgumentException("counter deltas are not in input order");
      }
    }
  }

  /** How many entries there are. */
  public int size() {
    return offsets.length;
  }

  /** The counter of entry {@code i}. */
  public String name(int i) {
    return names.get(counters[i]);
  }

  /** Collects the additions of a batch's inputs, in input order. Not thread-safe. */
  public static final class Builder {
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private int[] offsets = new int[4];
    private int[] counters = new int[4];
    private long[] deltas = new long[4];
    private int size;

    /** Adds what the input at {@code offset} added, by counter name. */
    public void add(int offset, Map<String, Long> added) {
      for (Map.Entry<String, Long> entry : added.entrySet()) {
        if (size == offsets.length) {
          offsets = java.util.Arrays.copyOf(offsets, size * 2);
          counters = java.util.Arrays.copyOf(counters, size * 2);
          deltas = java.util.Arrays.copyOf(deltas, size * 2);
        }
        offsets[size] = offset;
        counters[size] =
            index.computeIfAbsent(
                entry.getKey(),
                name -> {
                  names.add(name);
                  return names.size() - 1;
                });
        deltas[size] = entry.getValue();
        size++;
      }
    }

    /** What was added since the last build, or null when nothing was; starts again empty. */
    public CounterDeltas build() {
      if (size == 0) {
        return null;
      }
      CounterDeltas built =
          new CounterDeltas(
              names,
              java.util.Arrays.copyOf(offsets, size),
              java.util.Arrays.copyOf(counters, size),
              java.util.Arrays.copyOf(deltas, size));
      names.clear();
      index.clear();
      size = 0;
      return built;
    }
  }
}
