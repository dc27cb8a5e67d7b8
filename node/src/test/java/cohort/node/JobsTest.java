package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.protocol.TaskSpec;
import com.fasterxml.jackson.databind.node.IntNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the worker remembers of jobs: bound tasks, binds under way, cancels. */
class JobsTest {

  private static final TaskSpec SPEC = new TaskSpec("wait", Map.of());

  private final Jobs jobs = new Jobs();
  private final BoundTask task = TaskRegistry.of(TestTasks.all()).bind(SPEC);

  /** Tests that a job's task is bound once: asked for while binding, then kept. */
  @Test
  void bindsEachJobOnce() {
    assertThat(jobs.task("j")).isNull();
    assertThat(jobs.startBind("j")).isTrue();
    assertThat(jobs.startBind("j")).isFalse();
    assertThat(jobs.bindEnded("j", SPEC, task)).isTrue();
    assertThat(jobs.task("j")).isSameAs(task);
    assertThat(jobs.startBind("j")).isFalse();
  }

  /** Tests that a failed bind leaves the job unbound, so the next batch binds again. */
  @Test
  void bindsAgainAfterAFailure() {
    jobs.startBind("j");
    assertThat(jobs.bindEnded("j", SPEC, null)).isTrue();
    assertThat(jobs.task("j")).isNull();
    assertThat(jobs.startBind("j")).isTrue();
  }

  /** Tests that a cancel forgets the task, refuses binds, and drops a bind that ends later. */
  @Test
  void cancelForgetsTheJob() {
    jobs.startBind("j");
    assertThat(jobs.cancel("j")).isTrue();
    assertThat(jobs.cancel("j")).isFalse();
    assertThat(jobs.cancelled("j")).isTrue();
    assertThat(jobs.bindEnded("j", SPEC, task)).isFalse();
    assertThat(jobs.task("j")).isNull();
    assertThat(jobs.startBind("j")).isFalse();
  }

  /** Tests that only the most recent jobs keep their bound tasks. */
  @Test
  void keepsTheMostRecentJobs() {
    for (int i = 0; i <= 64; i++) {
      jobs.startBind("j" + i);
      jobs.bindEnded("j" + i, SPEC, task);
    }
    assertThat(jobs.task("j0")).isNull();
    assertThat(jobs.task("j64")).isSameAs(task);
    assertThat(jobs.startBind("j0")).isTrue();
  }

  /** Tests that a job of a task and parameters bound before needs no bind of its own. */
  @Test
  void reusesATaskBoundForTheSameParameters() throws Exception {
    Jobs jobs = new Jobs();
    BoundTask task = TaskRegistry.of(TestTasks.all()).bind(SPEC);
    assertThat(jobs.bindKnown("a", SPEC)).isFalse();
    assertThat(jobs.startBind("a")).isTrue();
    jobs.bindEnded("a", SPEC, task);
    assertThat(jobs.bindKnown("b", SPEC)).isTrue();
    assertThat(jobs.task("b")).isSameAs(task);
    assertThat(jobs.bindKnown("c", new TaskSpec("wait", Map.of("x", IntNode.valueOf(1)))))
        .isFalse();
    jobs.cancel("d");
    assertThat(jobs.bindKnown("d", SPEC)).isFalse();
  }
}
