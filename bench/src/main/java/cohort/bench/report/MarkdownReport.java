package cohort.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the results page: the machine and versions, the verdict on every target with the chart,
 * then each case's figures and notes.
 */
public final class MarkdownReport {

  private MarkdownReport() {}

  /**
   * Writes the page.
   *
   * @param facts the machine, versions and command, in order
   * @param chart the chart's file name, next to the page
   */
  public static void write(
      Path page, Map<String, String> facts, List<CaseResult> results, String chart)
      throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    md.append(
            "Cohort side by side with Python's `multiprocessing` and `concurrent.futures` and with")
        .append(
            " Hazelcast's distributed executor, on the same machine in the same run. Each case"
                + " runs")
        .append(
            " every system several times, alternating them; figures are the median with the min"
                + " and")
        .append(
            " max, and each ratio is Cohort's figure over the peer's from the same round, so a"
                + " noisy")
        .append(" moment of the machine weighs on both sides of a pair. This page is written by")
        .append(" `bench/run.sh`; do not edit it by hand. Under faults, across hosts in network")
        .append(" namespaces: the latest chaos run, [chaos.md](chaos.md) (`bench/chaos.sh`).\n\n");
    md.append("| | |\n|---|---|\n");
    facts.forEach(
        (key, value) -> md.append("| ").append(key).append(" | ").append(value).append(" |\n"));
    md.append("\n## Targets\n\n");
    md.append("![Cohort against its peers: how many times better, median of the paired rounds](")
        .append(chart)
        .append(")\n\n");
    md.append("| case | target | measured: median (min to max) | verdict |\n|---|---|---|---|\n");
    for (CaseResult result : results) {
      for (Check check : result.checks()) {
        List<Double> values = check.values(result.series());
        Boolean met = check.met(result.series());
        md.append("| ")
            .append(result.number())
            .append(". ")
            .append(check.label())
            .append(" | ")
            .append(check.target())
            .append(" | ")
            .append(values.isEmpty() ? "not run" : range(Stats.of(values)))
            .append(" | ")
            .append(met == null ? "not run" : met ? "met" : "**missed**")
            .append(" |\n");
      }
    }
    for (CaseResult result : results) {
      md.append("\n## ").append(result.number()).append(". ").append(result.title()).append("\n\n");
      md.append("Work: ").append(result.work()).append(".\n\n");
      md.append("| system | figure | median | min | max | runs |\n|---|---|---:|---:|---:|---:|\n");
      for (Series series : result.series()) {
        Stats stats = series.stats();
        if (stats == null) {
          continue;
        }
        md.append("| ")
            .append(series.system())
            .append(" | ")
            .append(series.metric())
            .append(" | ")
            .append(number(stats.median()))
            .append(" | ")
            .append(number(stats.min()))
            .append(" | ")
            .append(number(stats.max()))
            .append(" | ")
            .append(stats.runs())
            .append(" |\n");
      }
      if (!result.notes().isEmpty()) {
        md.append("\n");
        for (String note : result.notes()) {
          md.append("- ").append(note).append("\n");
        }
      }
    }
    Files.createDirectories(page.toAbsolutePath().getParent());
    Files.writeString(page, md.toString());
  }

  private static String range(Stats stats) {
    return number(stats.median()) + " (" + number(stats.min()) + " to " + number(stats.max()) + ")";
  }

  /** A figure with as many digits as it deserves: 1,234,567 or 12.3 or 0.97. */
  static String number(double value) {
    double magnitude = Math.abs(value);
    if (magnitude >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (magnitude >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (magnitude >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
