package cohort.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import org.junit.jupiter.api.Test;

class PayloadsTest {

  /** Tests that the estimate is never below the real CBOR size, so limits checked with it hold. */
  @Test
  void estimateBoundsTheCborSize() throws Exception {
    ObjectMapper cbor = new CBORMapper();
    JsonNodeFactory f = JsonNodeFactory.instance;
    JsonNode[] values = {
      f.numberNode(7),
      f.numberNode(Long.MIN_VALUE),
      f.numberNode(new java.math.BigInteger("9".repeat(60))),
      f.numberNode(new java.math.BigDecimal("1e-40")),
      f.textNode("héllo ✓ " + "x".repeat(500)),
      f.textNode("emoji \uD83D\uDE00 in a pair"),
      f.binaryNode(new byte[1000]),
      f.objectNode()
          .put("start", 0)
          .put("end", 1_000_000)
          .set("nested", f.arrayNode().add(1).add("two")),
      f.nullNode(),
      f.booleanNode(true)
    };
    for (JsonNode value : values) {
      assertThat(Payloads.estimateBytes(value))
          .as(value.toString())
          .isGreaterThanOrEqualTo(cbor.writeValueAsBytes(value).length);
    }
  }

  /** Tests that UTF-8 lengths are counted exactly, surrogate pairs included. */
  @Test
  void countsUtf8Exactly() {
    String[] texts = {"", "ascii", "héllo", "✓ check", "\uD83D\uDE00 pair", "x".repeat(70_000)};
    for (String text : texts) {
      assertThat(Payloads.utf8Length(text))
          .as(text.length() > 40 ? text.substring(0, 40) : text)
          .isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
    // A lone surrogate counts as the replacement character's 3 bytes, never less than its encoding.
    assertThat(Payloads.utf8Length("lone \uD800 high")).isEqualTo(5 + 3 + 5);
    assertThat(Payloads.utf8Length("\uDC00")).isEqualTo(3);
  }
}
