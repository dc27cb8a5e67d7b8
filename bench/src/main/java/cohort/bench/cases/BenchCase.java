package cohort.bench.cases;

import cohort.bench.BenchContext;
import cohort.bench.report.CaseResult;

/** One case of the suite: identical work for Cohort and its peers, measured round by round. */
public interface BenchCase {

  /** The case's number in the issue, 1 to 8. */
  int number();

  /** Runs the case and returns what it measured. */
  CaseResult run(BenchContext context) throws Exception;
}
