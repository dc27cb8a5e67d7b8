package cohort.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median, min and max of repeated measurements. */
record Stats(double median, double min, double max, int runs) {

  static Stats of(List<Double> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    List<Double> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
  }

  String format(String unit) {
    return String.format("median %.2f %s (min %.2f, max %.2f, %d runs)", median, unit, min, max, runs);
  }
}
