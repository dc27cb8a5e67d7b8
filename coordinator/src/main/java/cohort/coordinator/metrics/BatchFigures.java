package cohort.coordinator.metrics;

import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import java.util.List;

/** What a node's report of results ({@link BatchFinished}) counts for the metrics. */
public final class BatchFigures {

  private BatchFigures() {}

  /**
   * The inputs the report gives a result for: those with an output, and on the last part those
   * beyond the outputs that failed without one.
   */
  public static int inputs(BatchFinished finished) {
    return inputs(finished.fromOffset(), finished.outputs().size(), finished.failures());
  }

  /**
   * The inputs a part of a batch's results covers.
   *
   * @param fromOffset batch offset of its first output
   * @param outputs how many outputs it holds, failed positions included
   * @param failures the failures it reports
   */
  public static int inputs(int fromOffset, int outputs, List<InputFailure> failures) {
    int end = fromOffset + outputs;
    int beyond = 0;
    for (InputFailure failure : failures) {
      if (failure.offset() >= end) {
        beyond++;
      }
    }
    return outputs + beyond;
  }
}
