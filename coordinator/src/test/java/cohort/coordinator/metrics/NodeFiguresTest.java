package cohort.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class NodeFiguresTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Tests that a node's results add up and its last report replaces the one before. */
  @Test
  void countsResultsAndKeepsTheLastReport() {
    NodeFigures figures =
        NodeFigures.empty()
            .joined("n1", "10.0.0.1:1", T0)
            .ran("n1", 10, 2)
            .ran("n1", 5, 0)
            .reported("n1", 100, 1000, 0.5)
            .reported("n1", 200, 1000, 0.25);
    NodeFigures.Node node = figures.get("n1").orElseThrow();
    assertThat(node.address()).isEqualTo("10.0.0.1:1");
    assertThat(node.joinedAt()).isEqualTo(T0);
    assertThat(node.inputsDone()).isEqualTo(15);
    assertThat(node.inputsFailed()).isEqualTo(2);
    assertThat(node.heapUsedBytes()).isEqualTo(200);
    assertThat(node.heapMaxBytes()).isEqualTo(1000);
    assertThat(node.cpuLoad()).isEqualTo(0.25);
  }

  /** Tests that figures of a node not known are dropped, and a second join keeps the first. */
  @Test
  void unknownNodesAreIgnoredAndJoiningAgainKeepsFigures() {
    NodeFigures figures =
        NodeFigures.empty()
            .ran("ghost", 3, 0)
            .reported("ghost", 1, 2, 0.1)
            .joined("n1", "a:1", T0)
            .ran("n1", 4, 1)
            .joined("n1", "a:1", T0.plusSeconds(9));
    assertThat(figures.get("ghost")).isEmpty();
    assertThat(figures.get("n1").orElseThrow().joinedAt()).isEqualTo(T0);
    assertThat(figures.get("n1").orElseThrow().inputsDone()).isEqualTo(4);
    assertThatThrownBy(() -> figures.ran("n1", 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot run 1 inputs of which 2 failed");
  }

  /** Tests that departed nodes keep their figures and why, newest first, the last 20 only. */
  @Test
  void remembersTheLastDepartures() {
    NodeFigures figures = NodeFigures.empty().joined("n1", "a:1", T0).ran("n1", 7, 1);
    figures = figures.departed("n1", "downed as unreachable", T0.plusSeconds(60));
    assertThat(figures.get("n1")).isEmpty();
    NodeFigures.Departed gone = figures.departed().get(0);
    assertThat(gone.node().address()).isEqualTo("a:1");
    assertThat(gone.node().inputsDone()).isEqualTo(7);
    assertThat(gone.why()).isEqualTo("downed as unreachable");
    assertThat(gone.leftAt()).isEqualTo(T0.plusSeconds(60));

    for (int i = 0; i < 30; i++) {
      figures = figures.joined("m" + i, "b:" + i, T0).departed("m" + i, "left", T0.plusSeconds(i));
    }
    assertThat(figures.departed()).hasSize(NodeFigures.DEPARTED_KEPT);
    assertThat(figures.departed().get(0).node().address()).isEqualTo("b:29");
    assertThat(figures.departed().get(19).node().address()).isEqualTo("b:10");
    assertThat(figures.departed("nobody", "left", T0)).isSameAs(figures);
  }
}
