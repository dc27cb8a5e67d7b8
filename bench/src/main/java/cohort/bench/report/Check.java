package cohort.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A target of the issue checked against a case's figures: either a series' own value (such as an
 * efficiency) or the ratio of two series taken round by round (Cohort's value over the peer's from
 * the same round), so a noisy moment of the machine hurts both sides of a pair alike.
 *
 * @param label what the target says, such as {@code Cohort / imap_unordered(chunksize=1)}
 * @param numerator the key of Cohort's series
 * @param denominator the key of the peer's series, or null to check the numerator alone
 * @param atLeast true when the value must be at least {@code bound}, false for at most
 * @param bound the target
 */
public record Check(
    String label, String numerator, String denominator, boolean atLeast, double bound) {

  /** The checked values, one per round that both series have. */
  public List<Double> values(List<Series> series) {
    Series top = find(series, numerator);
    if (top == null) {
      return List.of();
    }
    if (denominator == null) {
      return top.values();
    }
    Series bottom = find(series, denominator);
    if (bottom == null) {
      return List.of();
    }
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(top.values().size(), bottom.values().size()); i++) {
      ratios.add(top.values().get(i) / bottom.values().get(i));
    }
    return ratios;
  }

  /** Whether the median meets the target; null when there is nothing to check. */
  public Boolean met(List<Series> series) {
    List<Double> values = values(series);
    if (values.isEmpty()) {
      return null;
    }
    double median = Stats.of(values).median();
    return atLeast ? median >= bound : median <= bound;
  }

  /** The target as text, such as {@code ≥ 2.00}. */
  public String target() {
    return (atLeast ? "≥ " : "≤ ") + String.format(Locale.ROOT, "%.2f", bound);
  }

  /**
   * Whether Cohort's series is the better one when larger; for ratios of latencies the chart turns
   * them over so that every bar reads "higher is better".
   */
  public boolean higherIsBetter(List<Series> series) {
    Series top = find(series, numerator);
    return top == null || top.higherIsBetter();
  }

  private static Series find(List<Series> series, String key) {
    for (Series s : series) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    return null;
  }
}
