package cohort.coordinator.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reduces a job's outputs at the coordinator, in whatever order they complete. Integer sums are
 * exact however large, like Python's integers; a sum with a fraction in it is an exact decimal.
 */
public enum Combiner {
  /** The sum of numeric outputs. */
  SUM {
    @Override
    JsonNode zero() {
      return LongNode.valueOf(0);
    }

    @Override
    JsonNode add(JsonNode total, JsonNode output) {
      requireNumber(output);
      if (total.isIntegralNumber() && output.isIntegralNumber()) {
        return integer(total.bigIntegerValue().add(output.bigIntegerValue()));
      }
      return DecimalNode.valueOf(total.decimalValue().add(output.decimalValue()));
    }
  },
  /** How many inputs have an output. */
  COUNT {
    @Override
    JsonNode zero() {
      return LongNode.valueOf(0);
    }

    @Override
    JsonNode add(JsonNode total, JsonNode output) {
      return LongNode.valueOf(total.longValue() + 1);
    }
  },
  /** The smallest output: all numbers, or all strings. */
  MIN {
    @Override
    JsonNode zero() {
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
    JsonNode zero() {
      return null;
    }

    @Override
    JsonNode add(JsonNode best, JsonNode output) {
      return best == null || compare(output, best) > 0 ? output : best;
    }
  };

  /** The value before any output, or null where there is none (min and max). */
  abstract JsonNode zero();

  /**
   * Adds one output to the combined value.
   *
   * @throws IllegalArgumentException when the output cannot be combined, saying why
   */
  abstract JsonNode add(JsonNode combined, JsonNode output);

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
    return value.bitLength() < 64 ? LongNode.valueOf(value.longValue()) : BigIntegerNode.valueOf(value);
  }

  private static void requireNumber(JsonNode output) {
    if (!output.isNumber()) {
      throw new IllegalArgumentException("sum needs numbers, and an output is " + abbreviate(output));
    }
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
