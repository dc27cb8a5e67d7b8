package cohort.netlab.chaos;

/**
 * What checking one job's results against what it should have returned found.
 *
 * @param inputs the inputs the job had
 * @param lost inputs with no successful result
 * @param duplicated results beyond the first for an input
 * @param wrong results whose output is not the expected one
 * @param wrongCombined 1 when the job's combined value is not the exact one, else 0
 */
public record Verdict(long inputs, long lost, long duplicated, long wrong, long wrongCombined) {

  /** Whether the job returned exactly what it should have. */
  public boolean clean() {
    return lost == 0 && duplicated == 0 && wrong == 0 && wrongCombined == 0;
  }
}
