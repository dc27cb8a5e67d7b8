package cohort.bench;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;

/**
 * A benchmark task: sleeps its input in milliseconds and returns when and where it started and on
 * which attempt, so the recovery benchmark can see when lost inputs ran again.
 */
public final class StampTask implements Task<Long, NoParams, StampTask.Stamp> {

  /**
   * @param node where the input ran
   * @param attempt which run of the input this was
   * @param startedAt wall-clock time the run started, in epoch milliseconds
   */
  public record Stamp(String node, int attempt, long startedAt) {}

  @Override
  public String name() {
    return "stamp";
  }

  @Override
  public String description() {
    return "sleeps its input in ms; returns node, attempt and start time (benchmarks)";
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
  public Stamp run(Long millis, NoParams params, TaskContext context) throws InterruptedException {
    long started = System.currentTimeMillis();
    Thread.sleep(millis);
    return new Stamp(context.node(), context.attempt(), started);
  }
}
