package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.ParamInfo;
import cohort.api.TaskInfo;
import cohort.protocol.TaskSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskRegistryTest {

  private final TaskRegistry registry = TaskRegistry.of(TestTasks.all());

  /** Tests that ServiceLoader finds the built-in tasks. */
  @Test
  void findsBuiltInTasks() {
    TaskRegistry loaded =
        TaskRegistry.load(getClass().getClassLoader(), cohort.node.ExecAllowance.NONE);
    assertThat(loaded.names()).contains("echo", "sleep", "sum-range");
    TaskInfo sumRange =
        loaded.describe().stream()
            .filter(t -> t.name().equals("sum-range"))
            .findFirst()
            .orElseThrow();
    assertThat(sumRange.combiner()).isEqualTo("sum");
    assertThat(sumRange.input()).isEqualTo("object {start: integer, end: integer}");
  }

  /** Tests that an unknown task is refused with the known ones listed. */
  @Test
  void unknownTaskListsTheKnownOnes() {
    assertThatThrownBy(() -> registry.bind(new TaskSpec("scael", Map.of())))
        .hasMessage("unknown task 'scael'; known tasks: blow-up, scale, stubborn, wait");
  }

  /** Tests that parameters bind to the task's record, strings coerced, defaults kept. */
  @Test
  void bindsParameters() throws Exception {
    BoundTask task =
        registry.bind(
            new TaskSpec(
                "scale", Map.of("factor", TextNode.valueOf("3"), "negate", BooleanNode.TRUE)));
    assertThat(task.run(task.convertInput(LongNode.valueOf(5)), null).longValue()).isEqualTo(-15);
    BoundTask plain = registry.bind(new TaskSpec("scale", Map.of()));
    assertThat(plain.run(plain.convertInput(IntNode.valueOf(5)), null).longValue()).isEqualTo(5);
  }

  /** Tests that a parameter the task lacks is refused with the known parameters. */
  @Test
  void unknownParameter() {
    assertThatThrownBy(
            () -> registry.bind(new TaskSpec("scale", Map.of("factr", IntNode.valueOf(2)))))
        .hasMessage("unknown parameter 'factr' for task 'scale'; known parameters: factor, negate");
    assertThatThrownBy(() -> registry.bind(new TaskSpec("wait", Map.of("x", IntNode.valueOf(2)))))
        .hasMessage("unknown parameter 'x' for task 'wait'; it takes no parameters");
  }

  /** Tests that a malformed parameter value is refused with its name and type. */
  @Test
  void malformedParameter() {
    assertThatThrownBy(
            () -> registry.bind(new TaskSpec("scale", Map.of("factor", TextNode.valueOf("lots")))))
        .hasMessage("parameter 'factor' of task 'scale' is \"lots\", not a valid integer");
  }

  /** Tests that the task's own validation refuses the job with its message. */
  @Test
  void taskValidation() {
    assertThatThrownBy(
            () -> registry.bind(new TaskSpec("scale", Map.of("factor", IntNode.valueOf(0)))))
        .hasMessage("bad parameters for task 'scale': factor must not be 0");
  }

  /** Tests that an input of the wrong type gets an error naming what the task takes. */
  @Test
  void inputConversion() {
    BoundTask task = registry.bind(new TaskSpec("scale", Map.of()));
    JsonNode bad = TextNode.valueOf("seven");
    assertThatThrownBy(() -> task.convertInput(bad))
        .hasMessage("task 'scale' takes integer inputs, not \"seven\"");
  }

  /** Tests that tasks describe their parameters with type and description. */
  @Test
  void describesParameters() {
    TaskInfo scale =
        registry.describe().stream()
            .filter(t -> t.name().equals("scale"))
            .findFirst()
            .orElseThrow();
    assertThat(scale.params())
        .containsExactly(
            new ParamInfo("factor", "integer", "what to multiply by"),
            new ParamInfo("negate", "boolean", null));
  }

  /** Tests that two tasks with one name are refused at load, naming both classes. */
  @Test
  void refusesDuplicateNames() {
    assertThatThrownBy(
            () -> TaskRegistry.of(List.of(new TestTasks.WaitTask(), new TestTasks.WaitTask())))
        .hasMessageContaining("two tasks are named 'wait'");
  }
}
