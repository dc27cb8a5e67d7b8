package cohort.coordinator.results;

import cohort.api.ApiJson;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders {@link cohort.api.ResultFrames} as the HTTP API's result lines, one JSON object per
 * input: {@code {"index":..,"input":..,"output":..}}, or {@code "error"} in place of the output.
 * Values are copied from their CBOR form to JSON without building trees. Not thread-safe.
 */
final class JsonLines {

  private static final CBORMapper CBOR = new CBORMapper();
  private static final CBORFactory FACTORY = CBOR.getFactory();
  private static final ObjectMapper JSON = ApiJson.newMapper();

  private final ByteArrayOutputStream lines = new ByteArrayOutputStream(64 * 1024);
  private final JsonGenerator json;

  JsonLines() {
    try {
      this.json = JSON.getFactory().createGenerator(lines);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    // Lines end with the newline written after each result; Jackson's default separator is a space.
    json.setRootValueSeparator(null);
  }

  /** The result lines of one frame (without its length prefix). */
  byte[] render(byte[] frame) {
    append(frame, 0, frame.length);
    return drain();
  }

  /** The lines appended since the last drain; starts afresh. */
  byte[] drain() {
    byte[] all = lines.toByteArray();
    lines.reset();
    return all;
  }

  /** Appends the result lines of the frame at {@code bytes[offset, offset + length)}. */
  void append(byte[] bytes, int offset, int length) {
    try (JsonParser p = FACTORY.createParser(bytes, offset, length)) {
      next(p, JsonToken.START_ARRAY);
      p.nextToken();
      long first = p.getLongValue();
      p.nextToken();
      int count = p.getIntValue();
      Long consecutive = null;
      byte[] inputBytes = null;
      if (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
        consecutive = p.getLongValue();
      } else {
        inputBytes = p.getBinaryValue();
      }
      p.nextToken();
      byte[] outputBytes = p.getBinaryValue();
      Map<Integer, JsonNode> errors = errors(p);
      try (JsonParser inputs = inputBytes == null ? null : FACTORY.createParser(inputBytes);
          JsonParser outputs = FACTORY.createParser(outputBytes)) {
        for (int i = 0; i < count; i++) {
          json.writeStartObject();
          json.writeNumberField("index", first + i);
          json.writeFieldName("input");
          if (consecutive != null) {
            json.writeNumber(consecutive + i);
          } else {
            inputs.nextToken();
            json.copyCurrentStructure(inputs);
          }
          outputs.nextToken();
          JsonNode error = errors.get(i);
          if (error == null) {
            json.writeFieldName("output");
            json.copyCurrentStructure(outputs);
          } else {
            outputs.skipChildren();
            json.writeFieldName("error");
            json.writeTree(error);
          }
          json.writeEndObject();
          json.writeRaw('\n');
        }
      }
      json.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("a result frame cannot be read: " + e.getMessage(), e);
    }
  }

  private static Map<Integer, JsonNode> errors(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_ARRAY) {
      return Map.of();
    }
    Map<Integer, JsonNode> errors = new HashMap<>();
    while (p.nextToken() == JsonToken.START_ARRAY) {
      p.nextToken();
      int offset = p.getIntValue();
      p.nextToken();
      errors.put(offset, CBOR.readTree(p));
      next(p, JsonToken.END_ARRAY);
    }
    return errors;
  }

  private static void next(JsonParser p, JsonToken expected) throws IOException {
    if (p.nextToken() != expected) {
      throw new IOException("expected " + expected + " in a result frame");
    }
  }
}
