package cohort.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterStatusJsonTest {

  private static final ObjectMapper JSON = ApiJson.newMapper();

  /**
   * Tests that a client reads the cluster of a coordinator from before node figures: the new fields
   * are absent, no node has figures, none departed.
   */
  @Test
  void readsAnOlderCoordinatorsCluster() throws Exception {
    ClusterStatus cluster =
        JSON.readValue(
            "{\"coordinator\":\"127.0.0.1:25520\",\"nodes\":[{\"address\":\"127.0.0.1:40123\","
                + "\"status\":\"UP\",\"slots\":2,\"busy\":1,\"tasks\":[\"echo\"]}],"
                + "\"slots\":2,\"busySlots\":1,\"activeJobs\":1}",
            ClusterStatus.class);
    NodeStatus node = cluster.nodes().get(0);
    assertThat(node.slots()).isEqualTo(2);
    assertThat(node.heapUsedBytes()).isNull();
    assertThat(node.cpuLoad()).isNull();
    assertThat(node.joinedAt()).isNull();
    assertThat(node.inputsDone()).isZero();
    assertThat(cluster.departed()).isEmpty();
  }

  /** Tests that the node figures and the departed nodes go through JSON and come back equal. */
  @Test
  void nodeFiguresRoundTrip() throws Exception {
    ClusterStatus cluster =
        new ClusterStatus(
            "c:1",
            List.of(
                new NodeStatus(
                    "n:1",
                    "UP",
                    4,
                    2,
                    List.of("echo"),
                    null,
                    "2026-12-02T06:00:00Z",
                    10,
                    1,
                    1_000_000L,
                    8_000_000L,
                    0.5,
                    List.of("gpu", "zone=a"))),
            4,
            2,
            0,
            List.of(
                new DepartedNode(
                    "n:2", "2026-12-02T06:00:00Z", "2026-12-02T06:01:00Z", "left", 5, 0)));
    String text = JSON.writeValueAsString(cluster);
    assertThat(text).doesNotContain("\"direct\"");
    assertThat(JSON.readValue(text, ClusterStatus.class)).isEqualTo(cluster);
  }
}
