package cohort.coordinator.recovery;

import cohort.coordinator.job.JobSpec;
import cohort.coordinator.journal.InputFiles;
import cohort.coordinator.journal.JobInputs;
import cohort.coordinator.journal.JobRecordEvent;
import cohort.coordinator.journal.JobRecordState;
import cohort.coordinator.journal.JournaledJobs;
import cohort.coordinator.journal.PekkoJournal;
import cohort.protocol.TaskSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of a coordinator that keeps its jobs: it lists the jobs the journal holds, replays each
 * one's journal, and rebuilds them from their result logs ({@link Recovery}) on the blocking
 * dispatcher, before the coordinator serves anyone.
 */
public final class Restart {

  private static final Logger LOG = LoggerFactory.getLogger(Restart.class);

  private Restart() {}

  /**
   * Recovers the jobs of {@code dataDir}, whose journal {@code system} was started on.
   *
   * @param window how far an ordered job may run ahead of its first missing result
   * @param maxBatch the most inputs a batch of missing inputs holds
   * @param syncInterval the shortest time between two syncs of a result log
   * @param files where the data folder's files are copied for a standby, if anywhere
   * @return how the coordinator keeps its jobs, with those recovered; failed, saying which file is
   *     damaged and what to do, when a job cannot be rebuilt
   */
  public static CompletionStage<Durability> recover(
      ActorSystem<?> system,
      Path dataDir,
      long window,
      int maxBatch,
      Duration syncInterval,
      cohort.coordinator.journal.FileReplica files) {
    long startNanos = System.nanoTime();
    PekkoJournal journal = new PekkoJournal(system, files);
    InputFiles inputs = new InputFiles(dataDir, files);
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    return JournaledJobs.ids(system)
        .thenCompose(ids -> states(journal, ids))
        .exceptionally(
            failure -> {
              throw new IllegalStateException(
                  "cannot read the journal in "
                      + dataDir.resolve("journal")
                      + " ("
                      + cohort.coordinator.journal.Journal.reason(failure)
                      + "); restore the data folder from a backup, or move it away to start with"
                      + " no jobs",
                  failure);
            })
        .thenApplyAsync(
            states ->
                new Recovery(dataDir, inputs, window, maxBatch, Clock.systemUTC()).recover(states),
            blocking)
        .thenApply(
            jobs -> {
              long running = jobs.stream().filter(job -> !job.state().terminal()).count();
              LOG.info(
                  "recovered {} jobs ({} running) from {} in {} ms",
                  jobs.size(),
                  running,
                  dataDir,
                  (System.nanoTime() - startNanos) / 1_000_000);
              // In the background: the first writes in a JVM are slow, and a job should not pay.
              journal.warmUp(
                  new JobRecordEvent.Accepted(
                      "warm-up",
                      JobSpec.of(new TaskSpec("echo", Map.of())),
                      JobInputs.range(0, 1),
                      java.time.Instant.now()));
              return new Durability(journal, inputs, syncInterval, jobs);
            });
  }

  private static CompletionStage<Map<String, JobRecordState>> states(
      PekkoJournal journal, List<String> ids) {
    Map<String, JobRecordState> states = new HashMap<>();
    List<CompletableFuture<Void>> replays = new ArrayList<>();
    for (String id : ids) {
      replays.add(
          journal
              .state(id)
              .thenAccept(
                  state -> {
                    synchronized (states) {
                      states.put(id, state);
                    }
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(replays.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              synchronized (states) {
                return Map.copyOf(states);
              }
            });
  }
}
