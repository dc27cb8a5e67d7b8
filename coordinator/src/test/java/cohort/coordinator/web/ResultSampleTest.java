package cohort.coordinator.web;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ApiJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The sample of results a job's page shows: the first ones and the first errors, bounded. */
class ResultSampleTest {

  private static final ObjectMapper JSON = ApiJson.newMapper();

  private static JsonNode result(long index, boolean failed) throws Exception {
    return JSON.readTree(
        failed
            ? "{\"index\":" + index + ",\"input\":1,\"error\":{\"type\":\"t\",\"message\":\"m\"}}"
            : "{\"index\":" + index + ",\"input\":1,\"output\":2}");
  }

  /** Tests that it keeps the first results and errors up to their limits, then says it is full. */
  @Test
  void keepsTheFirstResultsAndErrors() throws Exception {
    ResultSample sample = new ResultSample(Long.MAX_VALUE);
    long i = 0;
    while (!sample.full()) {
      assertThat(i).as("full once it holds 50 errors").isLessThan(1000);
      sample.add(result(i, i % 7 == 3));
      i++;
    }
    assertThat(sample.read()).isEqualTo(i).isEqualTo(7 * (ResultSample.ERRORS - 1) + 4);
    assertThat(sample.first()).hasSize(ResultSample.FIRST);
    assertThat(sample.first().get(0).path("index").asLong()).isZero();
    assertThat(sample.errors()).hasSize(ResultSample.ERRORS);
    assertThat(sample.errors())
        .allSatisfy(e -> assertThat(e.path("index").asLong() % 7).isEqualTo(3));
  }

  /** Tests that a job with few errors stops being read once its first results and errors are in. */
  @Test
  void stopsOnceItHoldsTheJobsErrors() throws Exception {
    ResultSample none = new ResultSample(0);
    for (long i = 0; i < ResultSample.FIRST; i++) {
      assertThat(none.full()).isFalse();
      none.add(result(i, false));
    }
    assertThat(none.full()).as("no errors to look for").isTrue();
    ResultSample two = new ResultSample(2);
    for (long i = 0; i < 30; i++) {
      two.add(result(i, i == 3 || i == 25));
    }
    assertThat(two.full()).isTrue();
    assertThat(two.errors()).extracting(e -> e.path("index").asLong()).containsExactly(3L, 25L);
  }
}
