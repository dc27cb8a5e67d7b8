package cohort.node.direct;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.TaskError;
import cohort.api.direct.DirectCall;
import cohort.api.direct.DirectReply;
import cohort.node.TaskRegistry;
import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DirectCallsTest {

  /** The built-in tasks, as on a node started without --allow-exec, and one that throws. */
  private final DirectCalls calls =
      new DirectCalls(
          TaskRegistry.load(DirectCallsTest.class.getClassLoader(), cohort.node.ExecAllowance.NONE),
          "n:1");

  private final DirectCalls throwing =
      new DirectCalls(TaskRegistry.of(List.of(new Unlucky())), "n:1");

  /** Throws for 13, returns its input otherwise. */
  static final class Unlucky implements Task<Long, NoParams, Long> {
    @Override
    public String name() {
      return "unlucky";
    }

    @Override
    public String description() {
      return "throws for 13";
    }

    @Override
    public Class<Long> inputType() {
      return Long.class;
    }

    @Override
    public Class<NoParams> paramsType() {
      return NoParams.class;
    }

    @Override
    public Long run(Long input, NoParams params, TaskContext context) {
      if (input == 13) {
        throw new IllegalStateException("unlucky " + input);
      }
      return input;
    }
  }

  /** Tests that what the task throws is the call's error, and the next call runs. */
  @Test
  void aTaskThatThrowsFailsItsCallOnly() {
    DirectReply failed = throwing.run(new DirectCall(5, "unlucky", Map.of(), IntNode.valueOf(13)));
    assertThat(failed.error().message()).isEqualTo("unlucky 13");
    assertThat(failed.error().node()).isEqualTo("n:1");
    assertThat(failed.error().trace()).contains("Unlucky.run");
    DirectReply next = throwing.run(new DirectCall(6, "unlucky", Map.of(), IntNode.valueOf(12)));
    assertThat(next.output().longValue()).isEqualTo(12);
  }

  /** Tests that a call runs its task on its input and answers with its id. */
  @Test
  void runsTheTask() {
    DirectReply reply = calls.run(new DirectCall(41, "echo", Map.of(), IntNode.valueOf(5)));
    assertThat(reply).isEqualTo(new DirectReply(41, IntNode.valueOf(5), null));
  }

  /** Tests that a task's wrong name or parameters fail the call, not the node, in plain words. */
  @Test
  void aBadTaskFailsTheCall() {
    DirectReply unknown = calls.run(new DirectCall(1, "nope", Map.of(), IntNode.valueOf(1)));
    assertThat(unknown.error().message()).contains("unknown task 'nope'");
    DirectReply badParam =
        calls.run(new DirectCall(2, "echo", Map.of("x", IntNode.valueOf(1)), IntNode.valueOf(1)));
    assertThat(badParam.error().type()).isEqualTo(TaskError.INPUT_ERROR);
    assertThat(badParam.error().message()).contains("x");
  }

  /** Tests that exec stays off on a node that does not allow it, for direct calls too. */
  @Test
  void execNeedsTheNodesPermission() {
    DirectReply reply =
        calls.run(
            new DirectCall(
                3,
                "exec",
                Map.of("command", JsonNodeFactory.instance.arrayNode().add("echo").add("{}")),
                TextNode.valueOf("hi")));
    assertThat(reply.succeeded()).isFalse();
    assertThat(reply.error().message()).contains("allow-exec");
  }
}
