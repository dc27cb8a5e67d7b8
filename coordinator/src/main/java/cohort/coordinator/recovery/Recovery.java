package cohort.coordinator.recovery;

import cohort.api.ResultFrames;
import cohort.coordinator.job.DoneInputs;
import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.ResumePlan;
import cohort.coordinator.job.StreamedInputs;
import cohort.coordinator.job.Tally;
import cohort.coordinator.jobs.JobRegistry;
import cohort.coordinator.journal.InputFiles;
import cohort.coordinator.journal.JobInputs;
import cohort.coordinator.journal.JobRecordEvent.Accepted;
import cohort.coordinator.journal.JobRecordEvent.Ended;
import cohort.coordinator.journal.JobRecordState;
import cohort.coordinator.results.ResultLog;
import cohort.coordinator.results.ResultLogScan;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Rebuilds the jobs of a data folder from what their journals hold and what their result logs kept
 * up to the journaled mark (bytes after it were never journaled and are cut). A running job goes on
 * from there: an ordered one after its kept prefix, an unordered one with the inputs missing
 * between its results first; inputs that were out on nodes run again, and no kept result is
 * delivered twice. Ended jobs come back complete, cancelled ones cancelled.
 *
 * <p>Plain and blocking (it reads files): run it before the coordinator starts.
 */
public final class Recovery {

  private final Path spool;
  private final InputFiles files;
  private final long window;
  private final int maxBatch;
  private final Clock clock;

  /**
   * @param spool the folder of the result logs
   * @param window how far an ordered job may run ahead of its first missing result
   * @param maxBatch the most inputs a batch of missing inputs holds
   */
  public Recovery(Path spool, InputFiles files, long window, int maxBatch, Clock clock) {
    this.spool = spool;
    this.files = files;
    this.window = window;
    this.maxBatch = maxBatch;
    this.clock = clock;
  }

  /**
   * The jobs the journal holds, oldest first.
   *
   * @param journaled what the journal holds for each job id
   * @throws IllegalStateException naming the file, when a result log or an input file is damaged
   */
  public List<RecoveredJob> recover(Map<String, JobRecordState> journaled) {
    List<RecoveredJob> jobs = new ArrayList<>();
    journaled.forEach(
        (id, record) -> {
          if (record.known()) {
            jobs.add(recover(id, record, journaled));
          }
        });
    jobs.sort(Comparator.comparing(job -> job.state().submittedAt()));
    return jobs;
  }

  private RecoveredJob recover(
      String id, JobRecordState record, Map<String, JobRecordState> journaled) {
    Accepted accepted = record.accepted();
    JobSpec spec = accepted.spec();
    Path file = JobRegistry.logFile(spool, id);
    ResultLogScan.Scanned kept = ResultLogScan.scan(file, record.bytes(), spec.combiner());
    if (kept.tally().delivered() != record.results()) {
      throw new IllegalStateException(
          "the result log "
              + file
              + " holds "
              + kept.tally().delivered()
              + " results where the journal counts "
              + record.results()
              + "; restore the data folder from a backup, or move the folder away to start with"
              + " no jobs");
    }
    Ended ended = record.ended();
    Instant now = ended != null ? ended.endedAt() : clock.instant();
    JobInputs given = accepted.inputs();
    boolean streamed = given.kind() == JobInputs.Kind.STREAM;
    long total = streamed ? record.streamed() : given.size();
    // A job that ended or was cancelled runs nothing more: its inputs are not read (nor kept).
    InputSource inputs =
        ended != null || record.cancelled() != null
            ? new Unkept(total)
            : streamed ? streamedFrom(id, kept.done(), total) : given.source(id, files);
    ResumePlan plan = planOf(accepted.resumeFrom(), journaled, 0);
    DoneInputs done = kept.done();
    Tally tally = kept.tally();
    if (plan != null) {
      done = new DoneInputs();
      done.addAll(kept.done());
      done.addAll(plan.done());
      tally =
          new Tally(
              tally.succeeded() + plan.tally().succeeded(),
              tally.failed(),
              tally.combined(),
              tally.combineError(),
              tally.counters());
    }
    JobState state =
        JobState.recovered(
            id,
            spec,
            inputs.size(),
            window,
            accepted.submittedAt(),
            done,
            tally,
            inputs,
            firstBatchId(),
            maxBatch,
            now,
            streamed && ended == null && !record.inputsClosed());
    if (plan != null) {
      state = plan.marking(state);
    }
    if (record.cancelled() != null && !state.terminal()) {
      state = state.updated(new JobEvent.Cancelled(record.cancelled()), now).state();
    }
    if (ended != null) {
      return new RecoveredJob(
          state,
          inputs,
          ResultLog.complete(file, record.bytes(), null),
          record.bytes(),
          record.results());
    }
    ResultLogScan.truncate(file, record.bytes());
    return new RecoveredJob(state, inputs, new ResultLog(file), record.bytes(), record.results());
  }

  /**
   * What a resumed job skips: the successful inputs of the job it resumes, read from that job's
   * kept results, and those that job skipped in turn; null when it resumes none, or when that job
   * is forgotten (then it runs every input, as it did before resumes were journaled).
   */
  private ResumePlan planOf(String from, Map<String, JobRecordState> journaled, int depth) {
    JobRecordState earlier = from == null ? null : journaled.get(from);
    if (earlier == null || !earlier.known() || depth > journaled.size()) {
      return null;
    }
    Accepted accepted = earlier.accepted();
    long total =
        accepted.inputs().kind() == JobInputs.Kind.STREAM
            ? earlier.streamed()
            : accepted.inputs().size();
    Path file = JobRegistry.logFile(spool, from);
    ResultLog log = ResultLog.complete(file, earlier.bytes(), null);
    try (InputStream frames =
        new BufferedInputStream(log.follow(false, new CompletableFuture<Void>()), 1 << 16)) {
      return ResumePlan.of(
          from,
          total,
          ResultFrames.read(frames),
          planOf(accepted.resumeFrom(), journaled, depth + 1));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the result log " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A running streamed job's inputs from the first it may still send (the first missing between its
   * kept results, or the first never sent) to the {@code total} journaled, read from its stream
   * file, which is cut there: the job's next inputs follow them.
   */
  private InputSource streamedFrom(String id, DoneInputs done, long total) {
    long low = done.gaps().isEmpty() ? done.end() : done.gaps().get(0)[0];
    files.cutStream(id, total);
    return StreamedInputs.resumed(low, files.readStream(id, low, total));
  }

  /**
   * The first batch id of a recovered job: above any id the coordinator gave out before it stopped,
   * so a late answer about an old batch is never taken for a new one. Ids count from 0 in each
   * coordinator; seconds since 1970 shifted past them leave room for 16 million batches a second.
   */
  private long firstBatchId() {
    return clock.instant().getEpochSecond() << 24;
  }

  /**
   * The inputs of a job that runs nothing more after a restart (it ended or was cancelled): how
   * many there were, none of them known.
   */
  private record Unkept(long size) implements InputSource {

    @Override
    public com.fasterxml.jackson.databind.JsonNode get(long index) {
      return com.fasterxml.jackson.databind.node.NullNode.getInstance();
    }
  }
}
