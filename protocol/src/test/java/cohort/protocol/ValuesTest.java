package cohort.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValuesTest {

  private static final List<JsonNode> MIXED =
      List.of(
          LongNode.valueOf(7),
          TextNode.valueOf("ünïcode"),
          JsonNodeFactory.instance
              .objectNode()
              .put("start", 1)
              .set("xs", JsonNodeFactory.instance.arrayNode().add(1).add("b")),
          BigIntegerNode.valueOf(new BigInteger("123456789012345678901234567890")),
          DecimalNode.valueOf(new BigDecimal("0.10")),
          NullNode.getInstance(),
          LongNode.valueOf(-1));

  /** Values as JSON text: an encoded 7 reads back as an int node, equal as JSON. */
  private static List<String> json(List<JsonNode> values) {
    return values.stream().map(JsonNode::toString).toList();
  }

  private static Values encode(List<JsonNode> values) {
    ValuesCodec.Builder builder = new ValuesCodec.Builder();
    values.forEach(builder::add);
    return builder.build();
  }

  /** Tests that encoded values read back equal, in order and by index, whole and in parts. */
  @Test
  void encodedValuesReadBackEqual() {
    Values encoded = encode(MIXED);
    assertThat(encoded).hasSize(MIXED.size());
    assertThat(json(encoded)).isEqualTo(json(MIXED));
    for (int i = MIXED.size() - 1; i >= 0; i--) {
      assertThat(encoded.get(i).toString()).isEqualTo(MIXED.get(i).toString());
    }
    for (int from = 0; from <= MIXED.size(); from++) {
      for (int to = from; to <= MIXED.size(); to++) {
        assertThat(json(encoded.subList(from, to))).isEqualTo(json(MIXED.subList(from, to)));
        assertThat(json(encoded.subList(from, to).subList(0, to - from)))
            .isEqualTo(json(MIXED.subList(from, to)));
      }
    }
    assertThat(encoded.get(4).decimalValue().toPlainString()).isEqualTo("0.10");
  }

  /** Tests that a range makes its integers, and its parts stay ranges. */
  @Test
  void rangesMakeTheirIntegers() {
    Values range = Values.range(-2, 5);
    assertThat(range).extracting(JsonNode::longValue).containsExactly(-2L, -1L, 0L, 1L, 2L);
    assertThat(range.subList(1, 3)).extracting(JsonNode::longValue).containsExactly(-1L, 0L);
    assertThat(range.integers()).isTrue();
    assertThat(range.subList(1, 3).integers()).isTrue();
    assertThatThrownBy(() -> range.get(5)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> range.subList(2, 6)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  /** Tests that every form crosses a Jackson CBOR round trip and reads back equal. */
  @Test
  void everyFormRoundTrips() throws Exception {
    CBORMapper mapper = new CBORMapper();
    for (Values values :
        List.of(
            Values.of(MIXED),
            encode(MIXED),
            encode(MIXED).subList(2, 5),
            Values.range(40, 3),
            Values.empty())) {
      byte[] bytes = mapper.writeValueAsBytes(values);
      Values back = mapper.readValue(bytes, Values.class);
      assertThat(json(back)).isEqualTo(json(values));
    }
    assertThat(
            mapper
                .readValue(mapper.writeValueAsBytes(Values.range(40, 3)), Values.class)
                .integers())
        .isTrue();
  }

  /** Tests that the builder takes back the last value and counts bytes exactly. */
  @Test
  void theBuilderTakesBackTheLastValue() {
    ValuesCodec.Builder builder = new ValuesCodec.Builder();
    int first = builder.add(TextNode.valueOf("keep"));
    builder.add(TextNode.valueOf("x".repeat(1000)));
    builder.undo();
    builder.addLong(3);
    assertThat(builder.count()).isEqualTo(2);
    Values built = builder.build();
    assertThat(json(built)).containsExactly("\"keep\"", "3");
    assertThat(built.estimateBytes()).isEqualTo(first + 1);
    assertThat(builder.build()).isEmpty();
  }

  /** An output whose second property cannot be written: its first is out when it fails. */
  public record HalfWritable(int first) {
    public int getSecond() {
      throw new IllegalStateException("no second");
    }
  }

  /**
   * Tests that a value that fails half-written leaves nothing behind, so a builder kept from batch
   * to batch goes on encoding, and that reset drops what was added.
   */
  @Test
  void aFailedValueLeavesNothingBehind() {
    ValuesCodec.Builder builder = new ValuesCodec.Builder();
    CBORMapper mapper = new CBORMapper();
    builder.add(TextNode.valueOf("before"), mapper);
    assertThatThrownBy(() -> builder.add(new HalfWritable(1), mapper))
        .hasMessageContaining("no second");
    builder.add(List.of(1, 2), mapper);
    assertThat(builder.count()).isEqualTo(2);
    assertThat(json(builder.build())).containsExactly("\"before\"", "[1,2]");
    builder.addLong(5);
    builder.reset();
    builder.addLong(6);
    assertThat(json(builder.build())).containsExactly("6");
  }
}
