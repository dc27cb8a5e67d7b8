package cohort.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * The JSON conventions of the HTTP API, shared by the coordinator and the client: numbers keep
 * every digit they were written with (big integers stay integers, {@code 0.10} stays {@code 0.10}),
 * unknown fields are refused rather than ignored, and so is a value of the wrong type: {@code
 * "batch":"3"}, {@code "batch":1.5}, {@code "ordered":1} or {@code "task":5} are errors, never
 * quietly turned into {@code 3}, {@code 1}, {@code true} or {@code "5"}.
 */
public final class ApiJson {

  private ApiJson() {}

  /** A new mapper with the API's conventions. */
  public static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
        // No coercion: a string is not a number or a boolean, a fraction is not a whole number...
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        // ...and a number or a boolean is not a string, which Jackson allows even without the
        // above.
        .withCoercionConfig(
            LogicalType.Textual,
            strings ->
                strings
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .build();
  }
}
