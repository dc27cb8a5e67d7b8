package cohort.bench.cases;

import cohort.bench.report.Series;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a case's series while it runs the systems round by round, in an order that alternates
 * between rounds so that neither side always runs on a warmer or cooler machine.
 */
final class Rounds {

  /** One system's run in a round: returns its figures, keyed by metric. */
  interface Run {
    Map<String, Double> measure() throws Exception;
  }

  private record Entry(String system, Map<String, Boolean> metrics, Run run) {}

  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, Series> series = new LinkedHashMap<>();

  /**
   * Adds a system.
   *
   * @param metrics each metric it reports and whether higher is better
   */
  Rounds add(String system, Map<String, Boolean> metrics, Run run) {
    entries.add(new Entry(system, metrics, run));
    metrics.forEach(
        (metric, higher) -> series.put(system + " " + metric, Series.of(system, metric, higher)));
    return this;
  }

  /** Runs every round; in odd rounds the systems go in reverse order. */
  List<Series> run(int rounds, java.util.function.Consumer<String> progress) throws Exception {
    for (int round = 0; round < rounds; round++) {
      List<Entry> order = new ArrayList<>(entries);
      if (round % 2 == 1) {
        java.util.Collections.reverse(order);
      }
      for (Entry entry : order) {
        Map<String, Double> figures = entry.run().measure();
        StringBuilder line = new StringBuilder("round " + (round + 1) + ": " + entry.system());
        for (Map.Entry<String, Double> figure : figures.entrySet()) {
          String key = entry.system() + " " + figure.getKey();
          Series s = series.get(key);
          if (s == null) {
            throw new IllegalStateException(
                entry.system() + " reported an unexpected figure " + figure.getKey());
          }
          series.put(key, s.plus(figure.getValue()));
          line.append(
              String.format(
                  java.util.Locale.ROOT, "  %s %.1f", figure.getKey(), figure.getValue()));
        }
        progress.accept(line.toString());
      }
    }
    return new ArrayList<>(series.values());
  }
}
