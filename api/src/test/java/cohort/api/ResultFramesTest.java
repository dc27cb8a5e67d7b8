package cohort.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultFramesTest {

  private static final CBORMapper CBOR =
      CBORMapper.builder().disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();

  /** Values of every kind a task returns, each written as one CBOR data item. */
  private static List<Object> outputs() {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    List<Object> values = new ArrayList<>();
    values.add(0);
    values.add(-7);
    values.add(Integer.MAX_VALUE);
    values.add(Integer.MIN_VALUE - 1L);
    values.add(Long.MAX_VALUE);
    values.add(BigInteger.valueOf(Long.MAX_VALUE).multiply(BigInteger.TEN));
    values.add("");
    values.add("tiny");
    values.add("ünïcode ✓");
    values.add(true);
    values.add(false);
    values.add(null);
    values.add(new BigDecimal("0.10"));
    values.add(1.5d);
    values.add(nodes.arrayNode().add(1).add("two"));
    values.add(nodes.objectNode().put("k", 3).putNull("n"));
    values.add(new byte[] {1, 2, 3});
    return values;
  }

  /** One frame of results for the consecutive inputs from 100, with the given outputs. */
  private static byte[] frame(List<Object> outputs) throws Exception {
    ByteArrayOutputStream items = new ByteArrayOutputStream();
    try (JsonGenerator g = CBOR.getFactory().createGenerator(items)) {
      for (Object output : outputs) {
        CBOR.writeValue(g, output);
      }
    }
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    try (JsonGenerator g = CBOR.getFactory().createGenerator(frame)) {
      g.writeStartArray(null, 5);
      g.writeNumber(5L);
      g.writeNumber(outputs.size());
      g.writeNumber(100L);
      g.writeBinary(items.toByteArray());
      g.writeNull();
      g.writeEndArray();
    }
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(stream);
    out.writeInt(frame.size());
    out.write(frame.toByteArray());
    return stream.toByteArray();
  }

  /** Each value as the mapper reads it into a tree: what a reader got before its fast path. */
  private static List<JsonNode> asTheMapperReadsThem(List<Object> values) throws Exception {
    List<JsonNode> trees = new ArrayList<>();
    for (Object value : values) {
      try (JsonParser p = CBOR.getFactory().createParser(CBOR.writeValueAsBytes(value))) {
        p.nextToken();
        trees.add(CBOR.readTree(p));
      }
    }
    return trees;
  }

  /**
   * Tests that every kind of output reads back as the same tree, of the same node type, as the
   * mapper makes: integers by their size, strings, booleans, nulls, decimals with their digits,
   * floating point, lists, maps and bytes.
   */
  @Test
  void outputsReadAsTheMapperReadsThem() throws Exception {
    List<Object> values = outputs();
    List<JsonNode> expected = asTheMapperReadsThem(values);
    Iterator<Result> results = ResultFrames.read(new ByteArrayInputStream(frame(values)));
    for (int i = 0; i < values.size(); i++) {
      Result result = results.next();
      assertThat(result.index()).isEqualTo(5 + i);
      assertThat(result.input()).isEqualTo(LongNode.valueOf(100 + i));
      assertThat(result.output()).as("output %d", i).isEqualTo(expected.get(i));
      assertThat(result.output().getClass())
          .as("output %d", i)
          .isEqualTo(expected.get(i).getClass());
    }
    assertThat(results.hasNext()).isFalse();
    assertThat(expected.get(12).decimalValue()).isEqualTo(new BigDecimal("0.10"));
  }
}
