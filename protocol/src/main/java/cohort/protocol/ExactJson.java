package cohort.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;

/**
 * Reads a JSON value as it was written, every digit kept ({@code 0.10} stays {@code 0.10}), where
 * the mapper of Pekko's serializer would drop a decimal's trailing zeros. For JSON values inside
 * messages and journaled events: {@code @JsonDeserialize(contentUsing = ExactJson.class)}.
 */
public final class ExactJson extends JsonDeserializer<JsonNode> {

  private static final ObjectMapper EXACT =
      CBORMapper.builder().disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();

  @Override
  public JsonNode deserialize(JsonParser parser, DeserializationContext context)
      throws IOException {
    return EXACT.readTree(parser);
  }
}
