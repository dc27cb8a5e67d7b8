package cohort.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Median, min and max of repeated measurements.
 *
 * @param runs how many measurements
 */
public record Stats(double median, double min, double max, int runs) {

  /** The statistics of some samples; there must be at least one. */
  public static Stats of(List<Double> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    List<Double> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
  }

  /**
   * The value at quantile {@code q} (0 to 1) by the nearest-rank method: the smallest sample with
   * at least {@code q} of the samples at or below it.
   */
  public static double quantile(long[] sortedSamples, double q) {
    if (sortedSamples.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    int rank = (int) Math.ceil(q * sortedSamples.length);
    return sortedSamples[Math.max(0, Math.min(sortedSamples.length - 1, rank - 1))];
  }
}
