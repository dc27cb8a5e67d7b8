package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node's labels as its settings give them: {@code cohort.node.labels}. */
class NodeLabelsSettingTest {

  private static Config with(Object labels) {
    return NodeApp.loadConfig(Map.of("cohort.node.labels", labels));
  }

  /** Tests that the default is no labels, as conf/cohort.conf sets it. */
  @Test
  void noLabelsByDefault() {
    assertThat(NodeSettings.labels(NodeApp.loadConfig(Map.of())).isEmpty()).isTrue();
  }

  /**
   * Tests that labels are read from a list (--label, HOCON) and from text separated by commas (the
   * environment variable), the same.
   */
  @Test
  void readsAListOrCommaSeparatedText() {
    assertThat(NodeSettings.labels(with(List.of("zone=a", "gpu"))).texts())
        .containsExactly("gpu", "zone=a");
    assertThat(NodeSettings.labels(with("gpu, zone=a")).texts()).containsExactly("gpu", "zone=a");
  }

  /** Tests that a label that is not valid is refused at start, naming the setting. */
  @Test
  void refusesABadLabelNamingTheSetting() {
    assertThatThrownBy(() -> NodeSettings.labels(with(List.of("Zone A"))))
        .hasMessageStartingWith("cohort.node.labels 'Zone A' is not a label");
  }
}
