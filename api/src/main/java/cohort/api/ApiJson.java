package cohort.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON conventions of the HTTP API, shared by the coordinator and the client: numbers keep
 * every digit they were written with (big integers stay integers, {@code 0.10} stays {@code 0.10}),
 * and unknown fields are refused rather than ignored.
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
        .build();
  }
}
