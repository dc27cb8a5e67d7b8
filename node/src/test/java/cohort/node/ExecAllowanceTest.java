package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.node.tasks.exec.ExecParams;
import cohort.protocol.TaskSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecAllowanceTest {

  private static ExecParams command(boolean shell, String... argv) {
    return new ExecParams(List.of(argv), shell, false, null);
  }

  /** Tests the setting's forms: off, on, and a list of programs. */
  @Test
  void readsOffOnAndLists() {
    assertThat(ExecAllowance.parse("false")).isEqualTo(ExecAllowance.NONE);
    assertThat(ExecAllowance.parse("")).isEqualTo(ExecAllowance.NONE);
    assertThat(ExecAllowance.parse("true")).isEqualTo(ExecAllowance.ANY);
    assertThat(ExecAllowance.parse(" convert , ffmpeg ").programs())
        .containsExactlyInAnyOrder("convert", "ffmpeg");
    assertThatThrownBy(() -> ExecAllowance.parse("convert,,ffmpeg"))
        .hasMessageContaining("a program name is empty");
  }

  /**
   * Tests that a list allows only its programs named literally: not another program, not one the
   * inputs fill in, not a shell unless sh is listed.
   */
  @Test
  void aListAllowsOnlyItsProgramsNamedLiterally() {
    ExecAllowance echo = ExecAllowance.parse("echo,/usr/bin/wc");
    assertThat(echo.refusal(command(false, "echo", "{}"))).isEmpty();
    assertThat(echo.refusal(command(false, "/usr/bin/wc", "-l", "{}"))).isEmpty();
    assertThat(echo.refusal(command(false, "id")))
        .contains("'id' is not allowed: this node runs only /usr/bin/wc, echo (--allow-exec)");
    assertThat(echo.refusal(command(false, "/tmp/echo"))).isPresent();
    assertThat(echo.refusal(command(false, "{}", "x")).orElseThrow())
        .contains("is filled from the inputs");
    assertThat(echo.refusal(command(true, "echo hi")).orElseThrow())
        .contains("through a shell are not allowed");
    assertThat(ExecAllowance.parse("sh,echo").refusal(command(true, "echo hi"))).isEmpty();
    assertThat(ExecAllowance.ANY.refusal(command(true, "anything"))).isEmpty();
  }

  /** Tests that a node's registry refuses a job's command the list does not allow, saying why. */
  @Test
  void theRegistryChecksTheCommandWhenItBindsAJob() {
    TaskRegistry registry =
        TaskRegistry.load(getClass().getClassLoader(), ExecAllowance.parse("echo"));
    JsonNodeFactory json = JsonNodeFactory.instance;
    Map<String, JsonNode> allowed = Map.of("command", json.arrayNode().add("echo").add("{}"));
    assertThat(registry.bind(new TaskSpec("exec", allowed))).isNotNull();
    Map<String, JsonNode> other = Map.of("command", json.arrayNode().add("id"));
    assertThatThrownBy(() -> registry.bind(new TaskSpec("exec", other)))
        .hasMessage(
            "task 'exec' is off: 'id' is not allowed: this node runs only echo (--allow-exec)");
    assertThatThrownBy(
            () ->
                TaskRegistry.load(getClass().getClassLoader(), ExecAllowance.NONE)
                    .bind(new TaskSpec("exec", allowed)))
        .hasMessageContaining("start it with --allow-exec");
  }
}
