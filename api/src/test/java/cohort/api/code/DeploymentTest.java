package cohort.api.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentTest {

  private static final String FIRST = "0123456789abcdef".repeat(4);
  private static final String SECOND = "f".repeat(64);

  /** Tests that the origin names the first jar's file and short digest. */
  @Test
  void originNamesFirstJar() {
    Deployment deployment =
        new Deployment(
            CodeRef.of(List.of(FIRST, SECOND)), List.of("tasks.jar", "lib.jar"), null, "now");
    assertThat(deployment.origin()).isEqualTo("deployed tasks.jar (0123456789ab)");
  }

  /** Tests that without names the origin gives the short digest alone. */
  @Test
  void originWithoutNames() {
    Deployment deployment = new Deployment(CodeRef.of(List.of(FIRST)), null, null, null);
    assertThat(deployment.origin()).isEqualTo("deployed (0123456789ab)");
    assertThat(deployment.names()).isEmpty();
    assertThat(deployment.tasks()).isEmpty();
  }

  /** Tests that a deployment must have code. */
  @Test
  void requiresCode() {
    assertThatThrownBy(() -> new Deployment(null, List.of(), List.of(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("code");
  }
}
