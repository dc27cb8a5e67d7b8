package cohort.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A job's results in their compact form, as the coordinator keeps them and streams them to clients
 * that ask for {@link #MEDIA_TYPE}: frames of results, each a 4-byte big-endian length and one CBOR
 * array
 *
 * <pre>
 * [firstIndex, count, inputs, outputs, errors]
 *   inputs   an integer: the inputs are the consecutive integers from it; or a byte string
 *            holding the {@code count} inputs as a sequence of CBOR data items
 *   outputs  a byte string holding the {@code count} outputs as a sequence of CBOR data items,
 *            null where the input failed
 *   errors   null, or an array of [offset, error] pairs: the inputs that failed and why
 *   counters optional: a map from counter name to integer, what the attempts that made these
 *            results added to the job's counters; absent when they added nothing
 * </pre>
 *
 * A frame holds the results of consecutive inputs; frames come in delivery order. Numbers keep
 * every digit ({@code 0.10} stays {@code 0.10}).
 */
public final class ResultFrames {

  /** The media type of a stream of result frames. */
  public static final String MEDIA_TYPE = "application/x-cohort-results";

  /** The largest frame a reader accepts. */
  public static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

  private static final CBORMapper CBOR =
      CBORMapper.builder().disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();

  private static final CBORFactory FACTORY = CBOR.getFactory();

  private ResultFrames() {}

  /**
   * The results in a stream of frames, read as they are needed. The iterator ends with the stream;
   * a stream that ends inside a frame is an error.
   *
   * @throws UncheckedIOException from the iterator when the stream cannot be read or is not frames
   */
  public static Iterator<Result> read(InputStream frames) {
    return read(frames, null);
  }

  /**
   * The results in a stream of frames, as {@link #read(InputStream)}, and what each frame's results
   * added to the job's counters, handed to {@code counters} as the frame is decoded (only for
   * frames that added something).
   *
   * @param counters takes each frame's counter additions, by name; null to skip them
   */
  public static Iterator<Result> read(
      InputStream frames, java.util.function.Consumer<Map<String, Long>> counters) {
    DataInputStream in = new DataInputStream(frames);
    return new Iterator<>() {
      private final ArrayDeque<Result> ready = new ArrayDeque<>();
      private boolean ended;

      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && !ended) {
          byte[] frame = nextFrame(in);
          if (frame == null) {
            ended = true;
          } else {
            Map<String, Long> added = decode(frame, ready);
            if (counters != null && !added.isEmpty()) {
              counters.accept(added);
            }
          }
        }
        return !ready.isEmpty();
      }

      @Override
      public Result next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return ready.poll();
      }
    };
  }

  /** The next frame's bytes, or null at the end of the stream. */
  private static byte[] nextFrame(DataInputStream in) {
    try {
      int length;
      try {
        length = in.readInt();
      } catch (EOFException end) {
        return null;
      }
      if (length < 0 || length > MAX_FRAME_BYTES) {
        throw new IOException("a result frame of " + length + " bytes is not a frame");
      }
      byte[] frame = new byte[length];
      in.readFully(frame);
      return frame;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read results: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes one frame's results into {@code out}; returns what they added to counters, empty when
   * the frame has none.
   */
  static Map<String, Long> decode(byte[] frame, ArrayDeque<Result> out) {
    try (JsonParser p = FACTORY.createParser(frame)) {
      expect(p, JsonToken.START_ARRAY);
      p.nextToken();
      long first = p.getLongValue();
      p.nextToken();
      int count = p.getIntValue();
      JsonToken inputsToken = p.nextToken();
      Long rangeStart = null;
      byte[] inputs = null;
      if (inputsToken == JsonToken.VALUE_NUMBER_INT) {
        rangeStart = p.getLongValue();
      } else {
        inputs = p.getBinaryValue();
      }
      p.nextToken();
      byte[] outputs = p.getBinaryValue();
      Map<Integer, TaskError> errors = errors(p);
      Map<String, Long> counters = counters(p);
      try (JsonParser in = inputs == null ? null : FACTORY.createParser(inputs);
          JsonParser outs = FACTORY.createParser(outputs)) {
        for (int i = 0; i < count; i++) {
          JsonNode input = rangeStart != null ? LongNode.valueOf(rangeStart + i) : value(in);
          JsonNode output = value(outs);
          TaskError error = errors.get(i);
          out.add(
              error == null
                  ? Result.ok(first + i, input, output)
                  : Result.failed(first + i, input, error));
        }
      }
      return counters;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a result frame: " + e.getMessage(), e);
    }
  }

  /** The frame's optional sixth element: counter additions by name. */
  private static Map<String, Long> counters(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return Map.of();
    }
    Map<String, Long> counters = new java.util.TreeMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      counters.put(name, p.getLongValue());
    }
    return counters;
  }

  private static Map<Integer, TaskError> errors(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_ARRAY) {
      return Map.of();
    }
    Map<Integer, TaskError> errors = new HashMap<>();
    while (p.nextToken() == JsonToken.START_ARRAY) {
      p.nextToken();
      int offset = p.getIntValue();
      p.nextToken();
      errors.put(offset, CBOR.readValue(p, TaskError.class));
      expect(p, JsonToken.END_ARRAY);
    }
    return errors;
  }

  /**
   * The next value as a tree. Integers, strings, booleans and nulls are made here, as the mapper
   * would make them: its {@code readTree} costs more than the rest of a tiny result's decoding.
   */
  private static JsonNode value(JsonParser p) throws IOException {
    JsonToken token = p.nextToken();
    if (token == null) {
      throw new IOException("a frame holds fewer values than it says");
    }
    switch (token) {
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return IntNode.valueOf(p.getIntValue());
          case LONG:
            return LongNode.valueOf(p.getLongValue());
          default:
            return CBOR.readTree(p);
        }
      case VALUE_STRING:
        return TextNode.valueOf(p.getText());
      case VALUE_TRUE:
        return BooleanNode.TRUE;
      case VALUE_FALSE:
        return BooleanNode.FALSE;
      case VALUE_NULL:
        return NullNode.getInstance();
      default:
        return CBOR.readTree(p);
    }
  }

  private static void expect(JsonParser p, JsonToken token) throws IOException {
    if (p.nextToken() != token) {
      throw new IOException("a result frame is malformed: expected " + token);
    }
  }
}
