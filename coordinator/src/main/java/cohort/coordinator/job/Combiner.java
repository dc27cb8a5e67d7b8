package cohort.coordinator.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reduces a job's outputs at the coordinator, in whatever order they complete. Integer sums are
 * exact however large, like Python's integers; a sum with a fraction in it is an exact decimal.
 * {@code sum} also adds objects of numbers key by key, as word counts are combined.
 *
 * <p>The running value starts as null (no output yet); {@link #result} turns it into what the user
 * sees. Values are never changed in place.
 */
public enum Combiner {
  /** The sum of numeric outputs. */
  SUM {
    @Override
    JsonNode empty() {
      return LongNode.valueOf(0);
    }

    @Override
    JsonNode add(JsonNode total, JsonNode output) {
      if (total == null) {
        return checkedSummand(output);
      }
      return sum(total, output);
    }
  },
  /** How many inputs have an output. */
  COUNT {
    @Override
    JsonNode empty() {
      return LongNode.valueOf(0);
    }

    @Override
    JsonNode add(JsonNode total, JsonNode output) {
      return LongNode.valueOf(total == null ? 1 : total.longValue() + 1);
    }
  },
  /** The smallest output: all numbers, or all strings. */
  MIN {
    @Override
    JsonNode empty() {
      return null;
    }

    @Override
    JsonNode add(JsonNode best, JsonNode output) {
      return best == null || compare(output, best) < 0 ? output : best;
    }
  },
  /** The largest output: all numbers, or all strings. */
  MAX {
    @Override
    JsonNode empty() {
      return null;
    }

    @Override
    JsonNode add(JsonNode best, JsonNode output) {
      return best == null || compare(output, best) > 0 ? output : best;
    }
  };

  /** The result of combining no outputs: 0 for sum and count, null for min and max. */
  abstract JsonNode empty();

  /**
   * Adds one output to the running value, which is null before the first.
   *
   * @throws IllegalArgumentException when the output cannot be combined, saying why
   */
  abstract JsonNode add(JsonNode combined, JsonNode output);

  /** What the user sees for a running value. */
  public JsonNode result(JsonNode combined) {
    return combined == null ? empty() : combined;
  }

  /** The name used on the command line and in the API. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a combiner name.
   *
   * @throws IllegalArgumentException naming the known combiners
   */
  public static Combiner parse(String name) {
    for (Combiner combiner : values()) {
      if (combiner.label().equals(name)) {
        return combiner;
      }
    }
    throw new IllegalArgumentException(
        "unknown combiner '"
            + name
            + "'; use one of "
            + Arrays.stream(values()).map(Combiner::label).collect(Collectors.joining(", "))
            + ", or none");
  }

  private static JsonNode integer(BigInteger value) {
    return value.bitLength() < 64
        ? LongNode.valueOf(value.longValue())
        : BigIntegerNode.valueOf(value);
  }

  private static JsonNode sum(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      if (a.isIntegralNumber() && b.isIntegralNumber()) {
        return integer(a.bigIntegerValue().add(b.bigIntegerValue()));
      }
      return DecimalNode.valueOf(a.decimalValue().add(b.decimalValue()));
    }
    if (a.isObject() && b.isObject()) {
      ObjectNode merged = ((ObjectNode) a).deepCopy();
      b.fields()
          .forEachRemaining(
              field -> {
                JsonNode known = merged.get(field.getKey());
                merged.set(
                    field.getKey(),
                    known == null
                        ? checkedSummand(field.getValue())
                        : sum(known, field.getValue()));
              });
      return merged;
    }
    throw new IllegalArgumentException(
        "sum adds numbers, or objects of numbers key by key; cannot add "
            + abbreviate(b)
            + " to "
            + abbreviate(a));
  }

  /** A value sum can start from: a number, or an object whose values are such values. */
  private static JsonNode checkedSummand(JsonNode value) {
    if (value.isNumber()) {
      return value;
    }
    if (value.isObject()) {
      value.fields().forEachRemaining(field -> checkedSummand(field.getValue()));
      return value;
    }
    throw new IllegalArgumentException(
        "sum needs numbers, or objects of numbers, and an output is " + abbreviate(value));
  }

  private static int compare(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      BigDecimal x = a.decimalValue();
      BigDecimal y = b.decimalValue();
      return x.compareTo(y);
    }
    if (a.isTextual() && b.isTextual()) {
      return a.textValue().compareTo(b.textValue());
    }
    throw new IllegalArgumentException(
        "min and max compare numbers with numbers or strings with strings; cannot compare "
            + abbreviate(a)
            + " with "
            + abbreviate(b));
  }

  private static String abbreviate(JsonNode value) {
    String text = String.valueOf(value);
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
