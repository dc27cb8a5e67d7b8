package cohort.messages;

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
      f.binaryNode(new byte[1000]),
      f.objectNode().put("start", 0).put("end", 1_000_000).set("nested", f.arrayNode().add(1).add("two")),
      f.nullNode(),
      f.booleanNode(true)
    };
    for (JsonNode value : values) {
      assertThat(Payloads.estimateBytes(value))
          .as(value.toString())
          .isGreaterThanOrEqualTo(cbor.writeValueAsBytes(value).length);
    }
  }
}
