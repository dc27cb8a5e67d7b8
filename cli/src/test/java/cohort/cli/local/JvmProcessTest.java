package cohort.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  /**
   * Tests that a child's latest readiness line is the one {@code readiness()} gives: a node that
   * joins its cluster again prints the line again with its new address, while {@code awaitReady}
   * keeps the first. The child is a shell standing in for the JVM (the launcher runs it, and it
   * ignores the java command it is given).
   */
  @Test
  void readinessFollowsTheLatestLine() throws Exception {
    String script =
        "echo 'cohort node ready node=127.0.0.1:1001 coordinator=127.0.0.1:9 slots=1';"
            + " echo between;"
            + " echo 'cohort node ready node=127.0.0.1:1002 coordinator=127.0.0.1:9 slots=1';"
            + " echo end";
    CountDownLatch end = new CountDownLatch(1);
    List<String> others = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (JvmProcess child =
        JvmProcess.start(
            "rejoining",
            List.of("sh", "-c", script, "sh"),
            Map.of(),
            ".",
            List.of(),
            List.of(),
            Optional.empty(),
            line -> {
              others.add(line);
              if (line.equals("end")) {
                end.countDown();
              }
            })) {
      assertThat(child.awaitReady(Duration.ofSeconds(10))).containsEntry("node", "127.0.0.1:1001");
      assertThat(end.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(child.readiness())
          .get()
          .extracting(r -> r.get("node"))
          .isEqualTo("127.0.0.1:1002");
      assertThat(child.awaitReady(Duration.ofSeconds(1))).containsEntry("node", "127.0.0.1:1001");
      assertThat(others).containsExactly("between", "end");
    }
  }
}
