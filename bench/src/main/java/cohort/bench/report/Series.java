package cohort.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One system's measurements of one figure in a case, one value per round, so that two series of a
 * case pair up round by round.
 *
 * @param system who was measured, such as {@code Cohort (2 nodes)} or {@code Pool(2).map}
 * @param metric what was measured, such as {@code tasks/s} or {@code p50 µs}
 * @param higherIsBetter whether a larger value is the better one
 * @param values one per round, in round order
 */
public record Series(String system, String metric, boolean higherIsBetter, List<Double> values) {

  public Series {
    values = List.copyOf(values);
  }

  /** An empty series, to be filled round by round. */
  public static Series of(String system, String metric, boolean higherIsBetter) {
    return new Series(system, metric, higherIsBetter, List.of());
  }

  /** This series with one more value. */
  public Series plus(double value) {
    List<Double> more = new ArrayList<>(values);
    more.add(value);
    return new Series(system, metric, higherIsBetter, more);
  }

  /** The median, min and max; null before any value. */
  public Stats stats() {
    return values.isEmpty() ? null : Stats.of(values);
  }

  /** The key a {@link Check} names the series by. */
  public String key() {
    return system + " " + metric;
  }
}
