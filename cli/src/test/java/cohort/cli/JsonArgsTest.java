package cohort.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonArgsTest {

  /** Tests that JSON arguments are read as JSON and everything else as a string. */
  @Test
  void readsJsonWhenItIsJson() {
    assertThat(JsonArgs.parse("42").isIntegralNumber()).isTrue();
    assertThat(JsonArgs.parse("-1.50").decimalValue()).hasToString("-1.50");
    assertThat(JsonArgs.parse("true").isBoolean()).isTrue();
    assertThat(JsonArgs.parse("{\"a\":1}").get("a").intValue()).isEqualTo(1);
    assertThat(JsonArgs.parse("\"42\"").textValue()).isEqualTo("42");
    assertThat(JsonArgs.parse("photo.jpg").textValue()).isEqualTo("photo.jpg");
    assertThat(JsonArgs.parse("12abc").textValue()).isEqualTo("12abc");
    assertThat(JsonArgs.parse("{broken").textValue()).isEqualTo("{broken");
    assertThat(JsonArgs.parse("").textValue()).isEmpty();
  }
}
