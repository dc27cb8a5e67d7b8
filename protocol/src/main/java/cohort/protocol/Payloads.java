package cohort.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Size limits of messages between JVMs, and a cheap estimate of a JSON value's encoded size.
 *
 * <p>Pekko's transport drops a message larger than its frame (256 KiB by default) with only a log
 * line, so Cohort keeps every message well below it: inputs over {@link #MAX_VALUE_BYTES} are
 * refused when a job is submitted, outputs over it become that input's error, and batches and
 * result parts are cut at {@link #TARGET_MESSAGE_BYTES}.
 */
public final class Payloads {

  /** Largest single input or output, estimated, that may travel inside a cluster message. */
  public static final int MAX_VALUE_BYTES = 192 * 1024;

  /** Size at which a batch, or a part of a batch's results, is cut. */
  public static final int TARGET_MESSAGE_BYTES = 96 * 1024;

  private Payloads() {}

  /**
   * Checks that an input may travel inside a cluster message.
   *
   * @param what the input as the user knows it, such as {@code input 3} or {@code input line 7}
   * @throws IllegalArgumentException naming the input, its size, the limit and what to do instead
   */
  public static void requireInputSize(JsonNode input, String what) {
    long size = estimateBytes(input);
    if (size > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException(
          what
              + " is about "
              + size / 1024
              + " KiB; an input may have at most "
              + MAX_VALUE_BYTES / 1024
              + " KiB: pass large data as file paths instead");
    }
  }

  /**
   * The refusal of an input found too large before it is read whole, such as a line of streamed
   * inputs far longer than any input at the limit.
   *
   * @param what the input as the user knows it, such as {@code input line 7}
   */
  public static String inputTooLarge(String what) {
    return what
        + " is larger than "
        + MAX_VALUE_BYTES / 1024
        + " KiB, the most an input may have: pass large data as file paths instead";
  }

  /**
   * The length of {@code text} in UTF-8, counted without encoding it. A lone surrogate, which has
   * no UTF-8 form, counts 3 bytes: never less than what an encoder makes of it.
   */
  public static long utf8Length(String text) {
    long bytes = text.length(); // one byte per char, plus what wider chars need
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c)
            && i + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          bytes += 2; // a pair: 4 bytes for 2 chars
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }

  /**
   * Estimates the encoded size of a JSON value in bytes, without encoding it. The estimate is at
   * least the CBOR size for every value kind, so limits checked with it hold on the wire.
   */
  public static long estimateBytes(JsonNode value) {
    if (value == null) {
      return 1;
    }
    switch (value.getNodeType()) {
      case STRING:
        return 9 + utf8Length(value.textValue());
      case BINARY:
        try {
          return 9 + value.binaryValue().length;
        } catch (java.io.IOException e) {
          return 9;
        }
      case ARRAY:
        {
          long total = 9;
          for (JsonNode element : value) {
            total += estimateBytes(element);
          }
          return total;
        }
      case OBJECT:
        {
          long total = 9;
          for (Map.Entry<String, JsonNode> field : value.properties()) {
            total += 9 + utf8Length(field.getKey()) + estimateBytes(field.getValue());
          }
          return total;
        }
      case NUMBER:
        if (value.isBigInteger()) {
          return 16 + value.bigIntegerValue().bitLength() / 8;
        }
        if (value.isBigDecimal()) {
          return 16 + value.decimalValue().unscaledValue().bitLength() / 8;
        }
        return 9;
      default:
        return 1;
    }
  }
}
