package cohort.bench.report;

import java.util.List;

/**
 * What one case measured: every system's series, the targets checked against them, and notes for
 * the reader, such as what limits a figure.
 *
 * @param number the case's number in the issue, 1 to 8
 * @param title a short name, such as {@code Tiny tasks, batched}
 * @param work the identical work every system did
 * @param series the figures, one per system and metric
 * @param checks the targets
 * @param notes sentences for the results page
 */
public record CaseResult(
    int number,
    String title,
    String work,
    List<Series> series,
    List<Check> checks,
    List<String> notes) {

  public CaseResult {
    series = List.copyOf(series);
    checks = List.copyOf(checks);
    notes = List.copyOf(notes);
  }
}
