package cohort.netlab;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;

/**
 * A test task on the lab's nodes: sleeps its input in milliseconds, then returns the address of the
 * node that ran it, so a test sees which hosts did the work.
 */
public final class LabWhereTask implements Task<Long, NoParams, String> {

  @Override
  public String name() {
    return "lab-where";
  }

  @Override
  public String description() {
    return "sleeps its input in ms, returns the node that ran it (network lab tests only)";
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
  public String run(Long millis, NoParams params, TaskContext context) throws InterruptedException {
    Thread.sleep(millis);
    return context.node();
  }
}
