package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.node.TestTasks.SlowCheckTask;
import cohort.protocol.TaskSpec;
import cohort.protocol.WorkerProtocol.TaskChecked;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The binder on its own, with a short time limit and a task whose validate waits for the test. */
class TaskBinderTest {

  private static TaskRegistry registry() {
    List<cohort.task.Task<?, ?, ?>> tasks = new ArrayList<>(TestTasks.all());
    tasks.add(new SlowCheckTask());
    return TaskRegistry.of(tasks);
  }

  private final TaskBinder binder =
      new TaskBinder(registry(), java.util.Optional.empty(), Duration.ofMillis(300));

  @BeforeEach
  void reset() {
    SlowCheckTask.reset();
  }

  @AfterEach
  void close() {
    binder.close();
  }

  private static String failureOf(CompletableFuture<BoundTask> bound) throws Exception {
    try {
      bound.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return TaskBinder.reason(e.getCause());
    }
    throw new AssertionError("the bind did not fail");
  }

  /** Tests that a bind runs off the caller's thread and completes with the bound task. */
  @Test
  void bindsOnItsOwnThreads() throws Exception {
    BoundTask task =
        binder
            .bind(new TaskSpec("scale", Map.of("factor", IntNode.valueOf(2))))
            .get(5, TimeUnit.SECONDS);
    assertThat(task.name()).isEqualTo("scale");
  }

  /** Tests that a refused task or parameter fails with the registry's message. */
  @Test
  void failsWithTheRegistrysMessage() throws Exception {
    assertThat(failureOf(binder.bind(new TaskSpec("nope", Map.of()))))
        .startsWith("unknown task 'nope'");
    assertThat(failureOf(binder.bind(new TaskSpec("scale", Map.of("factor", IntNode.valueOf(0))))))
        .isEqualTo("bad parameters for task 'scale': factor must not be 0");
  }

  /**
   * Tests that a validate past the time limit fails the bind with an error that says so, and is
   * interrupted.
   */
  @Test
  void boundsASlowValidate() throws Exception {
    CompletableFuture<BoundTask> bound = binder.bind(new TaskSpec("slow-check", Map.of()));
    TestTasks.await(SlowCheckTask.VALIDATING, 1);
    assertThat(failureOf(bound))
        .isEqualTo(
            "task 'slow-check' took longer than 300 ms to validate its parameters; Task.validate"
                + " must be quick: check the parameters there and leave slow work to run");
    TestTasks.await(SlowCheckTask.VALIDATE_INTERRUPTED, 1);
  }

  /** Tests that one slow validate leaves a thread for other binds. */
  @Test
  void bindsOthersWhileOneValidateIsSlow() throws Exception {
    CompletableFuture<BoundTask> slow = binder.bind(new TaskSpec("slow-check", Map.of()));
    TestTasks.await(SlowCheckTask.VALIDATING, 1);
    assertThat(binder.bind(new TaskSpec("wait", Map.of())).get(5, TimeUnit.SECONDS).name())
        .isEqualTo("wait");
    assertThat(slow).isNotDone();
    SlowCheckTask.VALIDATE_GATE.release();
    assertThat(slow.get(5, TimeUnit.SECONDS).name()).isEqualTo("slow-check");
  }

  /**
   * Tests that a check binds the task, then converts the first inputs: none that converts is an
   * input error, a bind that fails the check's error, and a check never fails as a future.
   */
  @Test
  void checksTheTaskAndTheFirstInputs() throws Exception {
    TaskSpec scale = new TaskSpec("scale", Map.of("factor", IntNode.valueOf(2)));
    assertThat(binder.check(scale, List.of()).get(5, TimeUnit.SECONDS))
        .isEqualTo(new TaskChecked(null, null));
    assertThat(
            binder
                .check(scale, List.of(TextNode.valueOf("x"), IntNode.valueOf(3)))
                .get(5, TimeUnit.SECONDS))
        .isEqualTo(new TaskChecked(null, null));
    assertThat(
            binder
                .check(scale, List.of(TextNode.valueOf("x"), TextNode.valueOf("y")))
                .get(5, TimeUnit.SECONDS))
        .isEqualTo(new TaskChecked(null, "task 'scale' takes integer inputs, not \"x\""));
    assertThat(
            binder
                .check(
                    new TaskSpec("scale", Map.of("factor", IntNode.valueOf(0))),
                    List.of(TextNode.valueOf("x")))
                .get(5, TimeUnit.SECONDS))
        .isEqualTo(new TaskChecked("bad parameters for task 'scale': factor must not be 0", null));
  }

  /** Tests that a closed binder fails binds instead of leaving them waiting. */
  @Test
  void failsBindsOnceClosed() {
    binder.close();
    assertThatThrownBy(() -> binder.bind(new TaskSpec("wait", Map.of())).join())
        .hasMessageContaining("the node is stopping");
  }
}
