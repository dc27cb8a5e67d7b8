package cohort.cli.it;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;

/** A test task: throws until its input's run (attempt) number is reached, then returns it. */
public final class FlakyTask implements Task<Integer, NoParams, Integer> {

  @Override
  public String name() {
    return "flaky";
  }

  @Override
  public String description() {
    return "fails until attempt N (its input), then returns N (tests only)";
  }

  @Override
  public Class<Integer> inputType() {
    return Integer.class;
  }

  @Override
  public Class<NoParams> paramsType() {
    return NoParams.class;
  }

  @Override
  public Integer run(Integer needed, NoParams params, TaskContext context) {
    if (context.attempt() < needed) {
      throw new IllegalStateException("flaky: attempt " + context.attempt() + " of " + needed);
    }
    return needed;
  }
}
