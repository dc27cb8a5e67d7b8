package cohort.api.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsTest {

  private static NodeLabels node(String... labels) {
    return NodeLabels.parse(List.of(labels), "--label");
  }

  private static Requirement require(String... labels) {
    return Requirement.parse(List.of(labels), "--require");
  }

  /** Tests that a bare name and a name=value are read, and written back as they were. */
  @Test
  void readsNamesAndValues() {
    assertThat(Label.parse("gpu", "--label")).isEqualTo(new Label("gpu", null));
    assertThat(Label.parse(" zone=eu-west.1 ", "--label"))
        .isEqualTo(new Label("zone", "eu-west.1"));
    assertThat(Label.parse("zone=A_b", "--label").toString()).isEqualTo("zone=A_b");
    assertThat(node("zone=a", "gpu").texts()).containsExactly("gpu", "zone=a");
    assertThat(node().toString()).isEqualTo("no labels");
  }

  /** Tests that a label that is not valid is refused in plain words saying what a label is. */
  @Test
  void refusesBadLabelsInPlainWords() {
    assertThatThrownBy(() -> Label.parse("GPU", "--label"))
        .hasMessageStartingWith("--label 'GPU' is not a label: use a name such as gpu");
    assertThatThrownBy(() -> Label.parse("zone=", "--label"))
        .hasMessageContaining("--label 'zone=' is not a label");
    assertThatThrownBy(() -> Label.parse("=a", "--label")).hasMessageContaining("is not a label");
    assertThatThrownBy(() -> Label.parse("zone=a b", "--label"))
        .hasMessageContaining("no spaces, commas or '='");
    assertThatThrownBy(() -> Label.parse("zone=a=b", "--label")).hasMessageContaining("'zone=a=b'");
    assertThatThrownBy(() -> Label.parse(" ", "--label"))
        .hasMessageStartingWith("--label is empty");
    assertThatThrownBy(() -> Label.parse("x".repeat(64), "--label"))
        .hasMessageContaining("is not a label");
  }

  /** Tests that a node gives each label name one value, and may repeat a label as it is. */
  @Test
  void aNodeHasOneValuePerName() {
    assertThat(node("gpu", "gpu").texts()).containsExactly("gpu");
    assertThatThrownBy(() -> node("zone=a", "zone=b"))
        .hasMessage(
            "--label gives label 'zone' twice (zone=a and zone=b); a node has one value per label"
                + " name");
  }

  /** Tests that the environment variable's form, labels separated by commas, is read. */
  @Test
  void splitsCommaSeparatedLabels() {
    assertThat(NodeLabels.split("gpu, zone=a,,")).containsExactly("gpu", "zone=a");
    assertThat(NodeLabels.split("")).isEmpty();
  }

  /**
   * Tests that a bare required name is met by the name with any value or none, a name=value only by
   * that value, and that a node must meet every required label.
   */
  @Test
  void matchesBareNamesToAnyValue() {
    assertThat(require("gpu").metBy(node("gpu"))).isTrue();
    assertThat(require("gpu").metBy(node("gpu=a100"))).isTrue();
    assertThat(require("gpu=a100").metBy(node("gpu=a100"))).isTrue();
    assertThat(require("gpu=a100").metBy(node("gpu"))).isFalse();
    assertThat(require("gpu=a100").metBy(node("gpu=h100"))).isFalse();
    assertThat(require("gpu", "zone=a").metBy(node("gpu", "zone=a", "ssd"))).isTrue();
    assertThat(require("gpu", "zone=a").metBy(node("gpu"))).isFalse();
    assertThat(require("gpu", "zone=a").missingFrom(node("gpu")))
        .containsExactly(new Label("zone", "a"));
    assertThat(Requirement.NONE.metBy(NodeLabels.NONE)).isTrue();
  }

  /** Tests that a requirement is sorted and deduplicated, and refuses two values for one name. */
  @Test
  void requirementsAreCanonical() {
    assertThat(require("zone=a", "gpu", "gpu")).isEqualTo(require("gpu", "zone=a"));
    assertThat(require("zone=a", "gpu").key()).isEqualTo("gpu,zone=a");
    assertThat(require("zone=a", "gpu").toString()).isEqualTo("gpu, zone=a");
    assertThat(Requirement.parse(null, "x")).isSameAs(Requirement.NONE);
    assertThatThrownBy(() -> require("zone=a", "zone=b"))
        .hasMessage(
            "--require requires both zone=a and zone=b; no node has two values for 'zone': keep"
                + " one");
  }

  /** Tests that a requirement travels as the list of its labels, and is read back equal. */
  @Test
  void requirementIsWrittenAsItsLabels() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Requirement required = require("zone=a", "gpu");
    String text = json.writeValueAsString(required);
    assertThat(text).isEqualTo("[\"gpu\",\"zone=a\"]");
    assertThat(json.readValue(text, Requirement.class)).isEqualTo(required);
  }
}
