package cohort.coordinator.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The shape of a job's first inputs: the kinds of their values and the names of their fields, not
 * the values, such as {@code {"end":int,"start":int}} or {@code int|str}. Inputs of one shape
 * convert alike to a task's input type, so a node's word that they fit is remembered by shape, and
 * a repeated job skips the round trip.
 *
 * <p>It is a good guess, not a proof: an enum input takes {@code "red"} but not {@code "purple"},
 * both strings. So only that inputs fit is remembered this way; the rare job whose inputs share a
 * fitting shape and still do not convert runs, and its inputs fail alone, as they did before the
 * check existed.
 */
final class InputShape {

  /** Longest shape remembered; the inputs of a longer one are checked every time. */
  static final int MAX_LENGTH = 512;

  private InputShape() {}

  /** The shape of the inputs, or null when it is too long to remember. */
  static String of(List<JsonNode> inputs) {
    TreeSet<String> shapes = new TreeSet<>();
    int[] budget = {MAX_LENGTH};
    for (JsonNode input : inputs) {
      String shape = shape(input, budget);
      if (shape == null) {
        return null;
      }
      shapes.add(shape);
    }
    String shape = String.join("|", shapes);
    return shape.length() > MAX_LENGTH ? null : shape;
  }

  /**
   * One value's shape, or null once the budget is spent: each value costs its own characters
   * (brackets, field names, a scalar's kind), so a large input stops the walk early.
   */
  private static String shape(JsonNode value, int[] budget) {
    budget[0] -= 2;
    if (budget[0] < 0) {
      return null;
    }
    String shape;
    switch (value.getNodeType()) {
      case ARRAY -> {
        TreeSet<String> elements = new TreeSet<>();
        for (JsonNode element : value) {
          String inner = shape(element, budget);
          if (inner == null) {
            return null;
          }
          elements.add(inner);
        }
        shape = "[" + String.join("|", elements) + "]";
      }
      case OBJECT -> {
        Map<String, String> fields = new TreeMap<>();
        for (Map.Entry<String, JsonNode> field : value.properties()) {
          String inner = shape(field.getValue(), budget);
          if (inner == null) {
            return null;
          }
          String name = TextNode.valueOf(field.getKey()).toString();
          budget[0] -= name.length();
          fields.put(name, inner);
        }
        StringBuilder object = new StringBuilder("{");
        fields.forEach((name, inner) -> object.append(name).append(':').append(inner).append(','));
        shape = object.length() > 1 ? object.substring(0, object.length() - 1) + "}" : "{}";
      }
      case NUMBER ->
          shape = !value.isIntegralNumber() ? "num" : value.canConvertToLong() ? "int" : "bigint";
      case STRING -> shape = "str";
      case BOOLEAN -> shape = "bool";
      case NULL -> shape = "null";
      default -> shape = value.getNodeType().name().toLowerCase(Locale.ROOT);
    }
    return budget[0] < 0 ? null : shape;
  }
}
