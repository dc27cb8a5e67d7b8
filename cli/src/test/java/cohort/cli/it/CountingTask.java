package cohort.cli.it;

import cohort.task.Task;
import cohort.task.TaskContext;

/**
 * A test task, on the nodes' class path in system tests: counts its input in the job's counters
 * ({@code inputs} by 1, {@code sum} by its value), sleeps {@code sleepMs}, and fails its first
 * attempt when its value is a multiple of {@code failEvery} (after counting, so a counted attempt
 * that runs again shows if it were counted twice). Returns the node that ran it.
 */
public final class CountingTask implements Task<Long, CountingTask.Params, String> {

  /**
   * @param sleepMs how long each input sleeps, in ms; 0 or absent for none
   * @param failEvery fail the first attempt of inputs that are multiples of this; 0 or absent for
   *     none
   */
  public record Params(Long sleepMs, Long failEvery) {}

  @Override
  public String name() {
    return "counting";
  }

  @Override
  public String description() {
    return "counts its inputs in the job's counters, fails some first attempts (tests only)";
  }

  @Override
  public Class<Long> inputType() {
    return Long.class;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public String run(Long value, Params params, TaskContext context) throws InterruptedException {
    context.counter("inputs").increment();
    context.counter("sum").add(value);
    long sleep = params == null || params.sleepMs() == null ? 0 : params.sleepMs();
    if (sleep > 0) {
      Thread.sleep(sleep);
    }
    long every = params == null || params.failEvery() == null ? 0 : params.failEvery();
    if (every > 0 && value % every == 0 && context.attempt() == 1) {
      throw new IllegalStateException("counting: first attempt of " + value + " fails");
    }
    return context.node();
  }
}
