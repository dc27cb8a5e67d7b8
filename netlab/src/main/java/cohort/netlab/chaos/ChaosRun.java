package cohort.netlab.chaos;

import cohort.client.CohortClient;
import cohort.netlab.Host;
import cohort.netlab.Lab;
import cohort.netlab.LabCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The chaos run: jobs of several kinds run without a break on a cluster across lab hosts while a
 * {@link FaultDriver} kills, freezes, stops and cuts off nodes and kills the coordinator; every
 * job's results are checked against what it must return, and the run counts what was lost,
 * duplicated or wrong. {@code bench/chaos.sh} runs it; it exits 1 unless all is clean.
 */
public final class ChaosRun {

  private static final long JOB_GRACE_NANOS = 300_000_000_000L;

  private final Settings settings;
  private final LabCluster cluster;
  private final CohortClient client;
  private final Tally tally = new Tally();
  private final long runDeadline;

  private ChaosRun(Settings settings, LabCluster cluster) {
    this.settings = settings;
    this.cluster = cluster;
    this.client = cluster.client();
    this.runDeadline = System.nanoTime() + settings.seconds() * 1_000_000_000L;
  }

  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("chaos: " + e.getMessage());
      System.exit(2);
      return;
    }
    Optional<String> why = Lab.unavailable();
    if (why.isPresent()) {
      System.err.println("chaos: cannot make the network lab: " + why.get());
      System.exit(2);
    }
    System.exit(run(settings).clean() ? 0 : 1);
  }

  /** Runs the chaos and returns its totals; prints the summary and writes the page if asked. */
  public static Tally.Totals run(Settings settings) throws IOException, InterruptedException {
    Files.createDirectories(settings.dir());
    try (Lab lab = Lab.create(settings.nodes() + 1)) {
      List<Host> nodeHosts = lab.hosts().subList(1, settings.nodes() + 1);
      LabCluster cluster =
          LabCluster.start(
              new LabCluster.Options(
                  settings.jar(),
                  settings.dir(),
                  2,
                  List.of("--allow-exec=echo", "--drain-timeout", "5s"),
                  Map.of()),
              lab.host(1),
              nodeHosts);
      try {
        System.out.printf(
            "chaos: cluster up at %s; running for %d s (seed %d)%n",
            cluster.url(), settings.seconds(), settings.seed());
        ChaosRun run = new ChaosRun(settings, cluster);
        FaultDriver driver = new FaultDriver(cluster, nodeHosts, new Random(settings.seed()));
        List<Thread> jobs = new ArrayList<>();
        for (int i = 0; i < settings.parallel(); i++) {
          Random random = new Random(settings.seed() + 1 + i);
          int first = i;
          Thread thread = new Thread(() -> run.keepRunningJobs(random, first), "chaos-jobs-" + i);
          thread.start();
          jobs.add(thread);
        }
        driver.run(run.runDeadline);
        for (Thread thread : jobs) {
          thread.join();
        }
        Tally.Totals totals = run.tally.totals();
        System.out.print(ChaosReport.text(settings, driver.injected(), totals));
        if (settings.out().isPresent()) {
          String when = Instant.now().truncatedTo(ChronoUnit.MINUTES).toString();
          Files.writeString(
              settings.out().get(),
              ChaosReport.markdown(settings, driver.injected(), totals, when));
        }
        return totals;
      } finally {
        cluster.close();
      }
    }
  }

  /** Runs jobs of each kind in turn, starting with the {@code first}, until the run's end. */
  private void keepRunningJobs(Random random, int first) {
    for (int turn = first; System.nanoTime() < runDeadline; turn++) {
      Workload kind = Workload.values()[turn % Workload.values().length];
      try {
        runOne(kind, random);
      } catch (IOException | RuntimeException e) {
        System.out.printf("chaos: a %s job could not run: %s%n", kind, e.getMessage());
      }
    }
  }

  private void runOne(Workload kind, Random random) throws IOException {
    long jobDeadline = Math.max(runDeadline, System.nanoTime()) + JOB_GRACE_NANOS;
    if (kind == Workload.STREAMED_STDIN) {
      runStreamed(random, jobDeadline);
      return;
    }
    Workload.Job job = kind.job(random);
    String id = Workload.submit(client, job.request(), System.nanoTime() + 120_000_000_000L, tally);
    check(kind, id, job.expected(), jobDeadline);
  }

  /**
   * Runs {@code cohort submit} with inputs on its stdin; when the command is refused (it exits
   * saying why, with no job accepted), runs it again, as a user would.
   */
  private void runStreamed(Random random, long jobDeadline) throws IOException {
    long giveUp = System.nanoTime() + 120_000_000_000L;
    while (true) {
      try (StreamedJob job =
          StreamedJob.start(random, settings.jar(), cluster.clientEnvironment(), settings.dir())) {
        Optional<String> id = job.awaitId(giveUp);
        if (id.isPresent()) {
          check(Workload.STREAMED_STDIN, id.get(), job.expected(), jobDeadline);
          reportExit(job, id.get());
          return;
        }
        Optional<Integer> code = exitCode(job);
        if (code.isPresent() && code.get() != 0) {
          tally.refused(Workload.reason(lastLine(job)));
          if (System.nanoTime() < giveUp) {
            Pause.millis(500);
            continue;
          }
          // Refused for two minutes: the user gives up; no job, so nothing of it was lost.
          tally.refused("gave up after 2 minutes of such refusals");
          return;
        }
        // Hung, or ended without a job and without saying why: its inputs count as lost.
        Verdict none = job.expected().check(List.of(), null, output -> output);
        tally.add(Workload.STREAMED_STDIN, none, 0, false);
        System.out.printf(
            "chaos: cohort submit accepted no job (exit %s): %s%n",
            code.map(String::valueOf).orElse("none yet"), job.stderr());
        return;
      }
    }
  }

  private static Optional<Integer> exitCode(StreamedJob job) {
    try {
      return job.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static void reportExit(StreamedJob job, String id) {
    exitCode(job)
        .filter(code -> code != 0)
        .ifPresent(
            code ->
                System.out.printf(
                    "chaos: cohort submit of job %s exited %d: %s%n", id, code, lastLine(job)));
  }

  private void check(Workload kind, String id, Expected expected, long deadline) {
    JobWatch.Outcome outcome = JobWatch.follow(client, id, deadline);
    Verdict verdict =
        expected.check(
            outcome.results(),
            outcome.end().map(end -> end.combined()).orElse(null),
            kind::comparable);
    tally.add(kind, verdict, outcome.stallMillis(), outcome.end().isPresent());
    if (!verdict.clean() || outcome.end().isEmpty()) {
      System.out.printf(
          "chaos: job %s (%s) went wrong: %s; ended as %s%n",
          id, kind, verdict, outcome.end().map(Object::toString).orElse("not ended"));
    }
  }

  private static String lastLine(StreamedJob job) {
    try {
      String[] lines = job.stderr().strip().split("\n");
      return lines[lines.length - 1];
    } catch (IOException e) {
      return "(its stderr is unreadable: " + e.getMessage() + ")";
    }
  }
}
