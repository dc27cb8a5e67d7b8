package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CombinerTest {

  private static JsonNode all(Combiner combiner, JsonNode... outputs) {
    JsonNode value = null;
    for (JsonNode output : outputs) {
      value = combiner.add(value, output);
    }
    return combiner.result(value);
  }

  /** Tests that integer sums stay exact past 64 bits and decimals sum exactly. */
  @Test
  void sums() {
    assertThat(all(Combiner.SUM, LongNode.valueOf(Long.MAX_VALUE), LongNode.valueOf(1)).toString())
        .isEqualTo("9223372036854775808");
    assertThat(
            all(
                    Combiner.SUM,
                    DecimalNode.valueOf(new BigDecimal("0.1")),
                    DecimalNode.valueOf(new BigDecimal("0.2")))
                .decimalValue())
        .isEqualByComparingTo("0.3");
    assertThat(all(Combiner.SUM).longValue()).isZero();
  }

  /** Tests count, min and max over numbers and strings. */
  @Test
  void countMinMax() {
    assertThat(all(Combiner.COUNT, TextNode.valueOf("a"), LongNode.valueOf(1)).longValue())
        .isEqualTo(2);
    assertThat(
            all(Combiner.MIN, LongNode.valueOf(3), DecimalNode.valueOf(new BigDecimal("2.5")))
                .decimalValue())
        .isEqualByComparingTo("2.5");
    assertThat(all(Combiner.MAX, TextNode.valueOf("pear"), TextNode.valueOf("apple")).textValue())
        .isEqualTo("pear");
    assertThat(all(Combiner.MAX)).isNull();
  }

  /** Tests that sum adds objects of numbers key by key, as word counts combine. */
  @Test
  void sumsObjectsKeyByKey() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    JsonNode a = json.readTree("{\"the\":2,\"cat\":1,\"nested\":{\"x\":1}}");
    JsonNode b = json.readTree("{\"the\":3,\"dog\":4,\"nested\":{\"x\":2,\"y\":5}}");
    assertThat(all(Combiner.SUM, a, b))
        .hasToString("{\"the\":5,\"cat\":1,\"nested\":{\"x\":3,\"y\":5},\"dog\":4}");
    assertThat(a).isEqualTo(json.readTree("{\"the\":2,\"cat\":1,\"nested\":{\"x\":1}}"));
    assertThatThrownBy(() -> all(Combiner.SUM, a, LongNode.valueOf(1)))
        .hasMessageContaining("cannot add 1");
    assertThatThrownBy(() -> all(Combiner.SUM, json.readTree("{\"a\":\"x\"}")))
        .hasMessageContaining("objects of numbers");
  }

  /** Tests that outputs that cannot be combined say why. */
  @Test
  void refusesMixedOutputs() {
    assertThatThrownBy(() -> all(Combiner.SUM, TextNode.valueOf("a")))
        .hasMessageContaining("sum needs numbers");
    assertThatThrownBy(() -> all(Combiner.MIN, TextNode.valueOf("a"), LongNode.valueOf(1)))
        .hasMessageContaining("cannot compare");
  }
}
