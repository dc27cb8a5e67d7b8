package cohort.cli.it;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;

/**
 * A test task, on the nodes' class path in system tests: sleeps its input in milliseconds, then
 * returns the address of the node that ran it, so a test can see where work went.
 */
public final class WhereTask implements Task<Long, NoParams, String> {

  @Override
  public String name() {
    return "where";
  }

  @Override
  public String description() {
    return "sleeps its input in ms, returns the node that ran it (tests only)";
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
