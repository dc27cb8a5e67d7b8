package cohort.cli.it;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;

/** A test task that runs for its input in milliseconds and ignores every interrupt. */
public final class StubbornTask implements Task<Long, NoParams, String> {

  @Override
  public String name() {
    return "stubborn";
  }

  @Override
  public String description() {
    return "busy for its input in ms, ignoring interrupts (tests only)";
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
  public String run(Long millis, NoParams params, TaskContext context) {
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException ignored) {
        // deliberately ignored: this task misbehaves
      }
    }
    return "done";
  }
}
