package cohort.coordinator.job;

import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a job's inputs come from, by index. Ranges generate their inputs on demand, so a job over a
 * billion integers holds none of them in memory.
 */
public interface InputSource {

  /** How many inputs there are. */
  long size();

  /** The input at {@code index}, for {@code 0 <= index < size()}. */
  JsonNode get(long index);

  /** The {@code count} inputs from {@code index} on, in the form that costs least to send. */
  default Values slice(long index, int count) {
    List<JsonNode> inputs = new ArrayList<>(count);
    for (long i = index; i < index + count; i++) {
      inputs.add(get(i));
    }
    return Values.of(inputs);
  }

  /**
   * Says inputs before {@code index} will not be asked for again (they went out in batches, which
   * keep their own copies), so a source that buffers them may let them go.
   */
  default void releaseBefore(long index) {}

  /** Whether inputs stream in while the job runs ({@link #append}), rather than all being known. */
  default boolean isStreamed() {
    return false;
  }

  /**
   * Appends inputs of a streamed job after those before.
   *
   * @throws UnsupportedOperationException when the source is not {@link #isStreamed()}
   */
  default void append(List<JsonNode> inputs) {
    throw new UnsupportedOperationException("this job's inputs were all given when it was created");
  }

  /**
   * What to try when none of the first inputs fits the job's task, as a clause that follows the
   * refusal ({@code "; ..."}), or empty: ranges say how {@code split} changes what the task gets.
   */
  default String misfitHint() {
    return "";
  }

  /**
   * The integers this source is made of, for a range or a split range; empty for inputs given one
   * by one. A journal keeps a range by its bounds rather than its inputs.
   */
  default Optional<IntegerRange> integers() {
    return Optional.empty();
  }

  /** Into how many parts a split range is cut; 0 when the source is not a split range. */
  default long parts() {
    return 0;
  }

  /** Inputs that stream in while the job runs; see {@link StreamedInputs}. */
  static StreamedInputs streamed() {
    return new StreamedInputs();
  }

  /** Explicit inputs, as given in the request. */
  static InputSource of(List<JsonNode> inputs) {
    List<JsonNode> copy = List.copyOf(inputs);
    return new InputSource() {
      @Override
      public long size() {
        return copy.size();
      }

      @Override
      public JsonNode get(long index) {
        return copy.get(Math.toIntExact(index));
      }

      @Override
      public Values slice(long index, int count) {
        int from = Math.toIntExact(index);
        return Values.of(copy.subList(from, from + count));
      }
    };
  }

  /** The integers {@code start, start+1, ..., end-1}. */
  static InputSource range(long start, long end) {
    return range(new IntegerRange(start, end));
  }

  /** The integers of {@code range}. */
  static InputSource range(IntegerRange range) {
    long start = range.start();
    long size = range.size();
    return new InputSource() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public JsonNode get(long index) {
        return LongNode.valueOf(start + index);
      }

      @Override
      public Values slice(long index, int count) {
        return Values.range(start + index, count);
      }

      @Override
      public Optional<IntegerRange> integers() {
        return Optional.of(range);
      }

      @Override
      public String misfitHint() {
        return "; a 'range' gives the task each integer as one input: add \"split\": K to give"
            + " it K parts {\"start\":a,\"end\":b} of the range instead (cohort submit: --split K)";
      }
    };
  }

  /**
   * The range {@code [start, end)} cut into {@code parts}; see {@link #split(IntegerRange, long)}.
   */
  static InputSource split(long start, long end, long parts) {
    return split(new IntegerRange(start, end), parts);
  }

  /**
   * The range cut into {@code parts} contiguous parts of nearly equal size, each one input {@code
   * {"start":a,"end":b}}.
   */
  static InputSource split(IntegerRange range, long parts) {
    long start = range.start();
    long end = range.end();
    BigInteger first = BigInteger.valueOf(start);
    BigInteger length = BigInteger.valueOf(end).subtract(first);
    if (parts < 1 || BigInteger.valueOf(parts).compareTo(length.max(BigInteger.ONE)) > 0) {
      throw new IllegalArgumentException(
          "cannot split "
              + start
              + ".."
              + end
              + " into "
              + parts
              + " parts; use 1 to "
              + length.max(BigInteger.ONE)
              + " parts");
    }
    BigInteger count = BigInteger.valueOf(parts);
    return new InputSource() {
      @Override
      public long size() {
        return parts;
      }

      @Override
      public JsonNode get(long index) {
        ObjectNode span = JsonNodeFactory.instance.objectNode();
        span.put("start", bound(index));
        span.put("end", bound(index + 1));
        return span;
      }

      @Override
      public Optional<IntegerRange> integers() {
        return Optional.of(range);
      }

      @Override
      public long parts() {
        return parts;
      }

      @Override
      public String misfitHint() {
        return "; with 'split' each input is a part {\"start\":a,\"end\":b} of the range: leave"
            + " 'split' out to give the task each integer instead (cohort submit: no --split)";
      }

      private long bound(long part) {
        return first.add(length.multiply(BigInteger.valueOf(part)).divide(count)).longValueExact();
      }
    };
  }
}
