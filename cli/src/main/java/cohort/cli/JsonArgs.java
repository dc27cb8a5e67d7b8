package cohort.cli;

import cohort.api.ApiJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;

/**
 * Reads command-line values as JSON when they are JSON ({@code 42}, {@code true}, {@code {"a":1}},
 * {@code "quoted"}) and as strings otherwise ({@code photo.jpg}), the way a user means them.
 */
final class JsonArgs {

  private static final ObjectMapper JSON = ApiJson.newMapper();

  private JsonArgs() {}

  static JsonNode parse(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      return TextNode.valueOf(text);
    }
    char first = trimmed.charAt(0);
    boolean looksJson =
        first == '{'
            || first == '['
            || first == '"'
            || first == '-'
            || Character.isDigit(first)
            || trimmed.equals("true")
            || trimmed.equals("false")
            || trimmed.equals("null");
    if (!looksJson) {
      return TextNode.valueOf(text);
    }
    try {
      return JSON.readTree(trimmed);
    } catch (IOException e) {
      return TextNode.valueOf(text);
    }
  }
}
