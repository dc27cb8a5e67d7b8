package cohort.pool;

/**
 * One input's result: its output, or why it has none.
 *
 * @param index the input's position in its job, from 0
 * @param value the task's output, decoded; null when it failed (or the task returned null)
 * @param error why it failed, or null
 * @param <O> the task's output type
 */
public record Outcome<O>(long index, O value, TaskFailedException error) {

  /** Whether the input has an output. */
  public boolean ok() {
    return error == null;
  }

  /**
   * The output.
   *
   * @throws TaskFailedException when the input failed
   */
  public O get() {
    if (error != null) {
      throw error;
    }
    return value;
  }
}
