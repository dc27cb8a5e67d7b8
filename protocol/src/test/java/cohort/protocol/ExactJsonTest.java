package cohort.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A task's parameters cross a mapper that drops decimals' trailing zeros with every digit. */
class ExactJsonTest {

  /**
   * Tests that a task spec read by a mapper with Jackson's defaults, as Pekko's serializer is,
   * keeps 0.10 as 0.10 at the top level and inside objects, where the mapper alone would read 0.1.
   */
  @Test
  void taskParametersKeepEveryDigit() throws Exception {
    CBORMapper defaults = new CBORMapper();
    ObjectNode nested = JsonNodeFactory.instance.objectNode();
    nested.put("scale", new BigDecimal("3.00"));
    TaskSpec spec =
        new TaskSpec(
            "echo", Map.of("rate", DecimalNode.valueOf(new BigDecimal("0.10")), "nested", nested));

    TaskSpec read = defaults.readValue(defaults.writeValueAsBytes(spec), TaskSpec.class);

    assertThat(read.params().get("rate").decimalValue()).isEqualTo(new BigDecimal("0.10"));
    assertThat(read.params().get("nested").get("scale").decimalValue())
        .isEqualTo(new BigDecimal("3.00"));
    assertThat(defaults.readTree(defaults.writeValueAsBytes(nested)).get("scale").decimalValue())
        .as("the mapper alone")
        .isEqualTo(new BigDecimal("3"));
  }
}
