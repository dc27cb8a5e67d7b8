package cohort.netlab.chaos;

import java.util.EnumMap;
import java.util.Map;

/** The chaos run's totals, added to by every job as it is checked. */
final class Tally {

  private final Map<Workload, Integer> jobs = new EnumMap<>(Workload.class);
  private long inputs;
  private long lost;
  private long duplicated;
  private long wrong;
  private long wrongCombined;
  private long unfinished;
  private long worstStallMillis;
  private final java.util.Map<String, Integer> refusals = new java.util.TreeMap<>();
  private Workload worstStallKind;

  /** Adds one checked job. */
  synchronized void add(Workload kind, Verdict verdict, long stallMillis, boolean ended) {
    jobs.merge(kind, 1, Integer::sum);
    inputs += verdict.inputs();
    lost += verdict.lost();
    duplicated += verdict.duplicated();
    wrong += verdict.wrong();
    wrongCombined += verdict.wrongCombined();
    if (!ended) {
      unfinished++;
    }
    if (stallMillis > worstStallMillis) {
      worstStallMillis = stallMillis;
      worstStallKind = kind;
    }
  }

  /**
   * Counts a submission the coordinator or the command refused with a reason, which the client then
   * made again, as a user would: no job, so nothing of it can be lost.
   */
  synchronized void refused(String reason) {
    refusals.merge(reason, 1, Integer::sum);
  }

  /** The totals so far. */
  synchronized Totals totals() {
    return new Totals(
        new EnumMap<>(jobs),
        inputs,
        lost,
        duplicated,
        wrong,
        wrongCombined,
        unfinished,
        worstStallMillis,
        worstStallKind,
        new java.util.TreeMap<>(refusals));
  }

  /** A snapshot of the totals. */
  record Totals(
      Map<Workload, Integer> jobs,
      long inputs,
      long lost,
      long duplicated,
      long wrong,
      long wrongCombined,
      long unfinished,
      long worstStallMillis,
      Workload worstStallKind,
      Map<String, Integer> refusals) {

    int jobCount() {
      return jobs.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Whether every job returned exactly what it should have. */
    boolean clean() {
      return lost == 0 && duplicated == 0 && wrong == 0 && wrongCombined == 0 && unfinished == 0;
    }
  }
}
