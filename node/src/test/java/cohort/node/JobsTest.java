package cohort.node;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.protocol.TaskSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the worker remembers of jobs: bound tasks, binds under way, cancels. */
class JobsTest {

  private final Jobs jobs = new Jobs();
  private final BoundTask task =
      TaskRegistry.of(TestTasks.all()).bind(new TaskSpec("wait", Map.of()));

  /** Tests that a job's task is bound once: asked for while binding, then kept. */
  @Test
  void bindsEachJobOnce() {
    assertThat(jobs.task("j")).isNull();
    assertThat(jobs.startBind("j")).isTrue();
    assertThat(jobs.startBind("j")).isFalse();
    assertThat(jobs.bindEnded("j", task)).isTrue();
    assertThat(jobs.task("j")).isSameAs(task);
    assertThat(jobs.startBind("j")).isFalse();
  }

  /** Tests that a failed bind leaves the job unbound, so the next batch binds again. */
  @Test
  void bindsAgainAfterAFailure() {
    jobs.startBind("j");
    assertThat(jobs.bindEnded("j", null)).isTrue();
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
    assertThat(jobs.bindEnded("j", task)).isFalse();
    assertThat(jobs.task("j")).isNull();
    assertThat(jobs.startBind("j")).isFalse();
  }

  /** Tests that only the most recent jobs keep their bound tasks. */
  @Test
  void keepsTheMostRecentJobs() {
    for (int i = 0; i <= 64; i++) {
      jobs.startBind("j" + i);
      jobs.bindEnded("j" + i, task);
    }
    assertThat(jobs.task("j0")).isNull();
    assertThat(jobs.task("j64")).isSameAs(task);
    assertThat(jobs.startBind("j0")).isTrue();
  }
}
