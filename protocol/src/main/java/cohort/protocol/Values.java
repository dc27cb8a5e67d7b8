package cohort.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.RandomAccess;

/**
 * A run of JSON values, a batch's inputs or outputs, held in the form that costs least: a list of
 * trees ({@link #of}), a range of integers made on demand ({@link #range}), or values already
 * encoded as CBOR ({@link #encoded}), decoded only when someone reads them. A range travels as two
 * numbers and encoded values as one byte string, so a batch of thousands of tiny values costs one
 * copy on its way between JVMs, not a tree each; the coordinator writes encoded outputs to a job's
 * result log as they came.
 *
 * <p>Immutable and safe to read from several threads. As a {@link List} it reads like any list of
 * JSON values; {@link #subList} keeps the compact form.
 */
@JsonSerialize(using = ValuesCodec.Serializer.class)
@JsonDeserialize(using = ValuesCodec.Deserializer.class)
public abstract sealed class Values extends AbstractList<JsonNode> implements RandomAccess
    permits Values.Listed, Values.IntRange, Values.Encoded {

  private static final Values EMPTY = new Listed(List.of());

  Values() {}

  /** No values. */
  public static Values empty() {
    return EMPTY;
  }

  /** These values, as given. */
  public static Values of(List<? extends JsonNode> values) {
    return values instanceof Values known ? known : new Listed(List.copyOf(values));
  }

  /** The integers {@code start, start+1, ..., start+count-1}. */
  public static Values range(long start, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("a range of " + count + " values");
    }
    return new IntRange(start, count);
  }

  /**
   * Values encoded as a sequence of CBOR data items.
   *
   * @param count how many items {@code cbor} holds
   */
  public static Values encoded(byte[] cbor, int count) {
    return new Encoded(cbor, 0, cbor.length, count, null);
  }

  @Override
  public abstract Values subList(int from, int to);

  /** The values as a CBOR sequence, one data item each, in order. */
  public abstract Cbor cbor();

  /**
   * Values encoded as a CBOR sequence in {@code bytes[offset, offset + length)}.
   *
   * @param bytes shared, never changed: read it, do not write it
   */
  public record Cbor(byte[] bytes, int offset, int length) {}

  /** The values' encoded size in bytes, or a bound on it that is never less. */
  public abstract long estimateBytes();

  /** Whether every value is an integer: such values never name a file. */
  public boolean integers() {
    return false;
  }

  /** The first of the values, when they are consecutive integers made on demand. */
  public OptionalLong consecutiveFrom() {
    return OptionalLong.empty();
  }

  void checkRange(int from, int to) {
    if (from < 0 || to > size() || from > to) {
      throw new IndexOutOfBoundsException(
          "values " + from + " to " + to + " of " + size() + " do not exist");
    }
  }

  /** Values as trees: what a request or a task gave. */
  static final class Listed extends Values {
    private final List<JsonNode> list;

    Listed(List<JsonNode> list) {
      this.list = list;
    }

    @Override
    public JsonNode get(int index) {
      return list.get(index);
    }

    @Override
    public int size() {
      return list.size();
    }

    @Override
    public Values subList(int from, int to) {
      checkRange(from, to);
      return from == 0 && to == size() ? this : new Listed(list.subList(from, to));
    }

    @Override
    public Cbor cbor() {
      return ValuesCodec.encode(this);
    }

    @Override
    public long estimateBytes() {
      long bytes = 0;
      for (JsonNode value : list) {
        bytes += Payloads.estimateBytes(value);
      }
      return bytes;
    }
  }

  /** Consecutive integers, made when read. */
  static final class IntRange extends Values {
    final long start;
    private final int count;

    IntRange(long start, int count) {
      this.start = start;
      this.count = count;
    }

    @Override
    public JsonNode get(int index) {
      if (index < 0 || index >= count) {
        throw new IndexOutOfBoundsException("value " + index + " of " + count);
      }
      return LongNode.valueOf(start + index);
    }

    @Override
    public int size() {
      return count;
    }

    @Override
    public Values subList(int from, int to) {
      checkRange(from, to);
      return from == 0 && to == count ? this : new IntRange(start + from, to - from);
    }

    @Override
    public Cbor cbor() {
      return ValuesCodec.encode(this);
    }

    @Override
    public long estimateBytes() {
      return 9L * count;
    }

    @Override
    public boolean integers() {
      return true;
    }

    @Override
    public OptionalLong consecutiveFrom() {
      return OptionalLong.of(start);
    }
  }

  /**
   * Values encoded as CBOR items in {@code bytes[from, to)}. Where each item starts is worked out
   * only when a value is read out of order or a part is cut off.
   */
  static final class Encoded extends Values {
    final byte[] bytes;
    final int from;
    final int to;
    private final int count;
    private volatile int[] offsets;

    Encoded(byte[] bytes, int from, int to, int count, int[] offsets) {
      this.bytes = bytes;
      this.from = from;
      this.to = to;
      this.count = count;
      this.offsets = offsets;
    }

    @Override
    public int size() {
      return count;
    }

    @Override
    public JsonNode get(int index) {
      if (index < 0 || index >= count) {
        throw new IndexOutOfBoundsException("value " + index + " of " + count);
      }
      int[] at = offsets();
      return ValuesCodec.decode(bytes, at[index], at[index + 1] - at[index]);
    }

    @Override
    public Iterator<JsonNode> iterator() {
      JsonParser parser = ValuesCodec.parser(bytes, from, to - from);
      return new Iterator<>() {
        private int read;

        @Override
        public boolean hasNext() {
          return read < count;
        }

        @Override
        public JsonNode next() {
          if (read >= count) {
            throw new NoSuchElementException();
          }
          read++;
          return ValuesCodec.next(parser);
        }
      };
    }

    @Override
    public Values subList(int from, int to) {
      checkRange(from, to);
      if (from == 0 && to == count) {
        return this;
      }
      int[] at = offsets();
      int[] part = new int[to - from + 1];
      System.arraycopy(at, from, part, 0, part.length);
      return new Encoded(bytes, at[from], at[to], to - from, part);
    }

    @Override
    public Cbor cbor() {
      return new Cbor(bytes, from, to - from);
    }

    @Override
    public long estimateBytes() {
      return to - from;
    }

    /** Where each item starts, and where the last one ends: {@code count + 1} byte positions. */
    private int[] offsets() {
      int[] known = offsets;
      if (known == null) {
        known = new int[count + 1];
        try (JsonParser parser = ValuesCodec.parser(bytes, from, to - from)) {
          for (int i = 0; i < count; i++) {
            JsonToken token = parser.nextToken();
            known[i] = from + (int) parser.currentTokenLocation().getByteOffset();
            if (token == null) {
              throw new IllegalStateException("encoded values end after " + i + " of " + count);
            }
            parser.skipChildren();
          }
          known[count] = to;
        } catch (IOException e) {
          throw new UncheckedIOException("encoded values cannot be read: " + e.getMessage(), e);
        }
        offsets = known;
      }
      return known;
    }
  }
}
