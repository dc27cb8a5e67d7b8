package cohort.coordinator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ApiJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputShapeTest {

  private static final ObjectMapper JSON = ApiJson.newMapper();

  private static String shape(String... inputs) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String input : inputs) {
      nodes.add(JSON.readTree(input));
    }
    return InputShape.of(nodes);
  }

  /** Tests that a shape names kinds and fields, in a stable order, not the values. */
  @Test
  void namesKindsAndFields() throws Exception {
    assertThat(shape("1", "2")).isEqualTo("int");
    assertThat(shape("1", "\"a\"", "2.5", "true", "null")).isEqualTo("bool|int|null|num|str");
    assertThat(shape("123456789012345678901234567890")).isEqualTo("bigint");
    assertThat(shape("{\"start\":0,\"end\":10}")).isEqualTo("{\"end\":int,\"start\":int}");
    assertThat(shape("[1,\"a\",2]", "[]")).isEqualTo("[]|[int|str]");
    assertThat(shape()).isEmpty();
  }

  /** Tests that inputs alike have one shape whatever their values or order. */
  @Test
  void inputsAlikeShareAShape() throws Exception {
    assertThat(shape("{\"end\":5,\"start\":1}", "{\"start\":7,\"end\":9}"))
        .isEqualTo(shape("{\"start\":0,\"end\":10}"));
    assertThat(shape("\"x\"", "1")).isEqualTo(shape("2", "\"y\"", "\"z\""));
    assertThat(shape("0")).isNotEqualTo(shape("{\"start\":0,\"end\":1}"));
  }

  /** Tests that a shape too long to remember is none. */
  @Test
  void aLongShapeIsNone() throws Exception {
    StringBuilder wide = new StringBuilder("{");
    for (int i = 0; i < 100; i++) {
      wide.append(i == 0 ? "" : ",").append("\"field").append(i).append("\":1");
    }
    assertThat(shape(wide.append("}").toString())).isNull();
    assertThat(shape("[" + "1,".repeat(1000) + "1]")).isNull();
  }
}
