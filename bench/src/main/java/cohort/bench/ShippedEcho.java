package cohort.bench;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;

/**
 * A benchmark task for the Java API ({@code cohort.pool.Cohort}): returns its input, as {@code
 * echo} does. It is deliberately not listed in {@code META-INF/services}, so no node has it
 * installed: the API ships its code (the bench's classes, packed into a jar named by its SHA-256,
 * uploaded once per {@code Cohort}) and the nodes load it in a class loader of their own, as they
 * would a user's task.
 */
public final class ShippedEcho implements Task<Integer, NoParams, Integer> {

  @Override
  public String name() {
    return "shipped-echo";
  }

  @Override
  public String description() {
    return "returns its input; shipped by the Java API (benchmarks)";
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
  public Integer run(Integer input, NoParams params, TaskContext context) {
    return input;
  }
}
