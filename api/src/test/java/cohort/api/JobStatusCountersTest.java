package cohort.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A job status's counters as the HTTP API writes them and the client reads them. */
class JobStatusCountersTest {

  private static final ObjectMapper JSON = ApiJson.newMapper();

  private static JobStatus status(Map<String, Long> counters) {
    return new JobStatus(
        "j-1",
        "echo",
        JobStatus.State.RUNNING,
        true,
        null,
        3,
        1,
        0,
        2,
        0,
        0,
        null,
        null,
        "2026-01-01T00:00:00Z",
        10,
        null,
        false,
        null,
        null,
        null,
        counters);
  }

  /** Tests that counters go out in name order and come back as they were. */
  @Test
  void countersRoundTripInNameOrder() throws Exception {
    String json = JSON.writeValueAsString(status(Map.of("zeta", 2L, "alpha", -1L)));
    assertThat(json).contains("\"counters\":{\"alpha\":-1,\"zeta\":2}");
    JobStatus back = JSON.readValue(json, JobStatus.class);
    assertThat(back.counters()).containsExactly(Map.entry("alpha", -1L), Map.entry("zeta", 2L));
  }

  /** Tests that a job without counters has none in its JSON, and an empty map when read. */
  @Test
  void noCountersLeftOut() throws Exception {
    String json = JSON.writeValueAsString(status(null));
    assertThat(json).doesNotContain("counters");
    assertThat(JSON.readValue(json, JobStatus.class).counters()).isEmpty();
  }
}
