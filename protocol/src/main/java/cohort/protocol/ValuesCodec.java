package cohort.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.OptionalLong;

/**
 * How {@link Values} are encoded: each value as one CBOR data item, and a run of them between JVMs
 * as {@code [0, start, count]} (a range) or {@code [1, count, bytes]} (encoded items). Decoded
 * numbers keep every digit ({@code 0.10} stays {@code 0.10}).
 */
public final class ValuesCodec {

  private static final CBORMapper CBOR =
      CBORMapper.builder().disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();

  private static final CBORFactory FACTORY = CBOR.getFactory();

  private static final int RANGE = 0;
  private static final int ENCODED = 1;

  private ValuesCodec() {}

  /** A parser over a CBOR sequence. */
  static JsonParser parser(byte[] bytes, int offset, int length) {
    try {
      return FACTORY.createParser(bytes, offset, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next value of a sequence. */
  static JsonNode next(JsonParser parser) {
    try {
      if (parser.nextToken() == null) {
        throw new IllegalStateException("encoded values ended early");
      }
      return CBOR.readTree(parser);
    } catch (IOException e) {
      throw new UncheckedIOException("encoded values cannot be read: " + e.getMessage(), e);
    }
  }

  /** The one value encoded in {@code bytes[offset, offset + length)}. */
  static JsonNode decode(byte[] bytes, int offset, int length) {
    try (JsonParser parser = parser(bytes, offset, length)) {
      return next(parser);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One builder per thread for {@link #encode}: making a CBOR generator costs more than encoding a
   * small batch with it. Not re-entrant: encoding a value must not encode {@link Values} (trees and
   * ranges never do).
   */
  private static final ThreadLocal<Builder> ENCODERS = ThreadLocal.withInitial(Builder::new);

  /** Encodes values given as trees or a range. */
  static Values.Cbor encode(Values values) {
    Builder builder = ENCODERS.get();
    builder.reset();
    OptionalLong start = values.consecutiveFrom();
    if (start.isPresent()) {
      for (int i = 0; i < values.size(); i++) {
        builder.addLong(start.getAsLong() + i);
      }
    } else {
      for (JsonNode value : values) {
        builder.add(value);
      }
    }
    builder.flush();
    byte[] bytes = builder.buffer.toByteArray();
    builder.reset();
    return new Values.Cbor(bytes, 0, bytes.length);
  }

  /**
   * Encodes values one at a time, as a node does with a batch's outputs: each {@code add} says how
   * many bytes the value took, and {@link #undo} takes the last one back (an output too large to
   * send). Scalars and trees are written directly; other objects through the given mapper. A value
   * that fails to encode leaves nothing behind. Not thread-safe; meant to be kept and used again
   * ({@link #build} and {@link #reset} start afresh), since making its generator costs more than
   * encoding a small batch.
   */
  public static final class Builder {
    private final Buffer buffer = new Buffer();
    private JsonGenerator cbor;
    private int count;
    private long last = -1;

    public Builder() {
      this.cbor = generator(buffer);
    }

    private static JsonGenerator generator(Buffer buffer) {
      try {
        return FACTORY.createGenerator(buffer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Drops everything added since the last build. */
    public void reset() {
      if (!cbor.getOutputContext().inRoot()) {
        cbor = generator(buffer); // left inside a value by a failure nothing caught
      }
      flush();
      buffer.reset();
      count = 0;
      last = -1;
    }

    /**
     * Takes back the bytes of a value that failed half-written, and a generator that may be left
     * inside an object for a fresh one.
     */
    private void discardFrom(long before) {
      flush();
      buffer.truncate((int) before);
      cbor = generator(buffer);
    }

    /**
     * Appends a value.
     *
     * @return its encoded size in bytes
     */
    public int add(JsonNode value) {
      long before = position();
      boolean written = false;
      try {
        writeTree(cbor, value);
        written = true;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot encode a value: " + e.getMessage(), e);
      } finally {
        if (!written) {
          discardFrom(before);
        }
      }
      return added(before);
    }

    /**
     * Appends a task's output: a tree, a scalar, or an object the mapper writes (a record).
     *
     * @return its encoded size in bytes
     */
    public int add(Object value, ObjectMapper objects) {
      long before = position();
      boolean written = false;
      try {
        if (value instanceof JsonNode tree) {
          writeTree(cbor, tree);
        } else if (!writeScalar(cbor, value)) {
          objects.writeValue(cbor, value);
        }
        written = true;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot encode a value: " + e.getMessage(), e);
      } finally {
        if (!written) {
          discardFrom(before); // whatever was thrown, errors included
        }
      }
      return added(before);
    }

    /** Appends an integer; returns its encoded size. */
    public int addLong(long value) {
      long before = position();
      try {
        cbor.writeNumber(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return added(before);
    }

    private long position() {
      return buffer.size() + (long) cbor.getOutputBuffered();
    }

    private int added(long before) {
      last = before;
      count++;
      return (int) (position() - before);
    }

    /** Takes back the value added last. */
    public void undo() {
      if (last < 0) {
        throw new IllegalStateException("nothing to take back");
      }
      flush();
      buffer.truncate((int) last);
      last = -1;
      count--;
    }

    /** How many values were added. */
    public int count() {
      return count;
    }

    /** Bytes written so far. */
    public long bytes() {
      return position();
    }

    /** The values added since the last build, and starts afresh. */
    public Values build() {
      flush();
      byte[] bytes = buffer.toByteArray();
      int built = count;
      buffer.reset();
      count = 0;
      last = -1;
      return built == 0 ? Values.empty() : Values.encoded(bytes, built);
    }

    private void flush() {
      try {
        cbor.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Writes a tree item by item, without a mapper's serializer machinery for each value. */
  static void writeTree(JsonGenerator out, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        out.writeStartObject(node, node.size());
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          out.writeFieldName(field.getKey());
          writeTree(out, field.getValue());
        }
        out.writeEndObject();
      }
      case ARRAY -> {
        out.writeStartArray(node, node.size());
        for (JsonNode element : node) {
          writeTree(out, element);
        }
        out.writeEndArray();
      }
      case STRING -> out.writeString(node.textValue());
      case BOOLEAN -> out.writeBoolean(node.booleanValue());
      case NULL, MISSING -> out.writeNull();
      case NUMBER -> writeNumber(out, node);
      case BINARY -> out.writeBinary(node.binaryValue());
      default -> CBOR.writeTree(out, node); // a POJO node
    }
  }

  private static void writeNumber(JsonGenerator out, JsonNode node) throws IOException {
    switch (node.numberType()) {
      case INT, LONG -> out.writeNumber(node.longValue());
      case BIG_INTEGER -> out.writeNumber(node.bigIntegerValue());
      case BIG_DECIMAL -> out.writeNumber(node.decimalValue());
      case FLOAT -> out.writeNumber(node.floatValue());
      default -> out.writeNumber(node.doubleValue());
    }
  }

  /** Writes a plain value directly; false when it is not one. */
  private static boolean writeScalar(JsonGenerator out, Object value) throws IOException {
    if (value == null) {
      out.writeNull();
    } else if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      out.writeNumber(((Number) value).longValue());
    } else if (value instanceof String text) {
      out.writeString(text);
    } else if (value instanceof Boolean flag) {
      out.writeBoolean(flag);
    } else if (value instanceof Double number) {
      out.writeNumber(number);
    } else if (value instanceof BigInteger number) {
      out.writeNumber(number);
    } else if (value instanceof BigDecimal number) {
      out.writeNumber(number);
    } else {
      return false;
    }
    return true;
  }

  /** A byte buffer that can drop its tail. */
  private static final class Buffer extends ByteArrayOutputStream {
    void truncate(int size) {
      this.count = size;
    }
  }

  /** Writes {@link Values} compactly. */
  public static final class Serializer extends StdSerializer<Values> {
    public Serializer() {
      super(Values.class);
    }

    @Override
    public void serialize(Values values, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeStartArray(values, 3);
      OptionalLong start = values.consecutiveFrom();
      if (start.isPresent()) {
        gen.writeNumber(RANGE);
        gen.writeNumber(start.getAsLong());
        gen.writeNumber(values.size());
      } else {
        Values.Cbor encoded = values.cbor();
        gen.writeNumber(ENCODED);
        gen.writeNumber(values.size());
        gen.writeBinary(encoded.bytes(), encoded.offset(), encoded.length());
      }
      gen.writeEndArray();
    }
  }

  /** Reads {@link Values} written by {@link Serializer}. */
  public static final class Deserializer extends StdDeserializer<Values> {
    public Deserializer() {
      super(Values.class);
    }

    @Override
    public Values deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        return (Values) ctxt.handleUnexpectedToken(Values.class, p);
      }
      p.nextToken();
      int kind = p.getIntValue();
      p.nextToken();
      Values values;
      if (kind == RANGE) {
        long start = p.getLongValue();
        p.nextToken();
        values = Values.range(start, p.getIntValue());
      } else if (kind == ENCODED) {
        int count = p.getIntValue();
        p.nextToken();
        byte[] bytes = p.getBinaryValue();
        values = Values.encoded(bytes, count);
      } else {
        throw ctxt.weirdNumberException(kind, Integer.class, "values of unknown kind " + kind);
      }
      if (p.nextToken() != JsonToken.END_ARRAY) {
        return (Values) ctxt.handleUnexpectedToken(Values.class, p);
      }
      return values;
    }
  }
}
