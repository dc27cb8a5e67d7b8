package cohort.node.tasks;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;

/**
 * Sleeps its input in milliseconds and returns it: a stand-in for I/O-bound work. The sleep ends
 * early, with an {@link InterruptedException}, when the job is cancelled or the input times out.
 */
public final class SleepTask implements Task<Long, NoParams, Long> {

  @Override
  public String name() {
    return "sleep";
  }

  @Override
  public String description() {
    return "sleeps its input in milliseconds, then returns it; stops on cancel";
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
  public Long run(Long millis, NoParams params, TaskContext context) throws InterruptedException {
    if (millis < 0) {
      throw new IllegalArgumentException(
          "cannot sleep " + millis + " ms; give 0 or more milliseconds");
    }
    context.checkCancelled();
    Thread.sleep(millis);
    return millis;
  }
}
