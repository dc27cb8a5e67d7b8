package cohort.netlab.chaos;

import java.util.Map;

/** The chaos run's summary: lines for the terminal, and the results page in Markdown. */
final class ChaosReport {

  private ChaosReport() {}

  /** The summary printed at the end of a run. */
  static String text(Settings settings, Map<Fault, Integer> faults, Tally.Totals totals) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "chaos: %d s, a coordinator and %d nodes of 2 slots on hosts of their own, seed %d%n",
            settings.seconds(), settings.nodes(), settings.seed()));
    for (Fault fault : Fault.values()) {
      out.append(
          String.format(
              "chaos: faults   %-40s %d%n", fault.description(), faults.getOrDefault(fault, 0)));
    }
    for (Workload kind : Workload.values()) {
      out.append(
          String.format(
              "chaos: jobs     %-40s %d%n",
              kind.name().toLowerCase(java.util.Locale.ROOT), totals.jobs().getOrDefault(kind, 0)));
    }
    out.append(String.format("chaos: inputs %,d in %d jobs%n", totals.inputs(), totals.jobCount()));
    totals
        .refusals()
        .forEach(
            (reason, count) ->
                out.append(
                    String.format("chaos: not accepted, submitted again %d: %s%n", count, reason)));
    out.append(String.format("chaos: results lost %d%n", totals.lost()));
    out.append(String.format("chaos: results duplicated %d%n", totals.duplicated()));
    out.append(String.format("chaos: wrong outputs %d%n", totals.wrong()));
    out.append(String.format("chaos: wrong combined values %d%n", totals.wrongCombined()));
    out.append(String.format("chaos: jobs that did not end %d%n", totals.unfinished()));
    out.append(
        String.format(
            "chaos: worst stall %.1f s (%s)%n",
            totals.worstStallMillis() / 1000.0, String.valueOf(totals.worstStallKind())));
    out.append(totals.clean() ? "chaos: clean\n" : "chaos: NOT CLEAN\n");
    return out.toString();
  }

  /** The results page of a run. */
  static String markdown(
      Settings settings, Map<Fault, Integer> faults, Tally.Totals totals, String when) {
    StringBuilder page = new StringBuilder();
    page.append("# Chaos run\n\n");
    page.append(
        String.format(
            "Latest run: %s, %d s, written by `bench/chaos.sh`. A coordinator and %d nodes of 2"
                + " slots, each on a host of its own (a network namespace of this machine, its own"
                + " address, mutual TLS between members, HTTPS and a token for the API), ran jobs"
                + " of four kinds, %d at a time, while faults were injected one after another at"
                + " random (seed %d). Every job's results were read back and checked against"
                + " what it must return.%n%n",
            when, settings.seconds(), settings.nodes(), settings.parallel(), settings.seed()));
    page.append("| Faults injected | Count |\n|---|---:|\n");
    for (Fault fault : Fault.values()) {
      page.append(
          String.format("| %s | %d |%n", fault.description(), faults.getOrDefault(fault, 0)));
    }
    page.append("\n| Jobs | Count |\n|---|---:|\n");
    page.append(row("`sleep`, summed", totals.jobs().get(Workload.SLEEP)));
    page.append(row("`echo --combine sum`", totals.jobs().get(Workload.ECHO_SUM)));
    page.append(
        row("`--input-file -` streamed on stdin", totals.jobs().get(Workload.STREAMED_STDIN)));
    page.append(row("`exec echo {}`", totals.jobs().get(Workload.EXEC)));
    page.append("\n| Checked | |\n|---|---:|\n");
    page.append(String.format("| inputs | %,d |%n", totals.inputs()));
    page.append(String.format("| results lost | %d |%n", totals.lost()));
    page.append(String.format("| results duplicated | %d |%n", totals.duplicated()));
    page.append(String.format("| wrong outputs | %d |%n", totals.wrong()));
    page.append(String.format("| wrong combined values | %d |%n", totals.wrongCombined()));
    page.append(String.format("| jobs that did not end | %d |%n", totals.unfinished()));
    page.append(
        String.format(
            "| worst stall of a job (no input finished) | %.1f s |%n",
            totals.worstStallMillis() / 1000.0));
    if (!totals.refusals().isEmpty()) {
      page.append(
          "\nSubmissions not accepted, the client saying why (no job made), then made again, as a"
              + " user would:\n\n| What the client said | Times |\n|---|---:|\n");
      totals
          .refusals()
          .forEach((reason, count) -> page.append(String.format("| %s | %d |%n", reason, count)));
    }
    page.append(
        "\nA stall is the longest time in which a job's count of finished inputs did not grow:"
            + " it spans the faults themselves (a link cut for up to 10 s, a node frozen for up to"
            + " 8 s, a coordinator restarting), the failure detector's time, and the downing time"
            + " (`cohort.down-unreachable-after`, 5 s).\n");
    return page.toString();
  }

  private static String row(String what, Integer count) {
    return String.format("| %s | %d |%n", what, count == null ? 0 : count);
  }
}
