package cohort.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmProcessTest {

  /** Tests that the readiness line's key=value fields are parsed. */
  @Test
  void parsesTheReadinessLine() {
    Map<String, String> fields =
        JvmProcess.parseReady(
            "cohort coordinator ready cluster=127.0.0.1:25520 http=http://127.0.0.1:8470");
    assertThat(fields)
        .containsEntry("cluster", "127.0.0.1:25520")
        .containsEntry("http", "http://127.0.0.1:8470");
  }
}
