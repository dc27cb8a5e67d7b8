package cohort.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.coordinator.job.Batch;
import cohort.coordinator.job.Combiner;
import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.Phase;
import cohort.coordinator.job.ResultBlock;
import cohort.coordinator.journal.InputFiles;
import cohort.coordinator.journal.JobInputs;
import cohort.coordinator.journal.JobRecordEvent;
import cohort.coordinator.journal.JobRecordEvent.Accepted;
import cohort.coordinator.journal.JobRecordState;
import cohort.coordinator.results.ResultFrameWriter;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs rebuilt from what their journals and result logs hold, as a restarted coordinator finds
 * them: running jobs go on where their kept results end, ended and cancelled ones stay as they
 * were, and a log that does not match its journal stops the start with a message naming it.
 */
class RecoveryTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant RESTART = T0.plusSeconds(60);
  private static final Clock CLOCK = Clock.fixed(RESTART, ZoneOffset.UTC);

  private static JobSpec spec(boolean ordered) {
    return new JobSpec(
        new TaskSpec("echo", Map.of()), ordered, Combiner.parse("sum"), 0, 1, 3, Duration.ZERO);
  }

  private static ResultBlock block(long first, int count) {
    List<JsonNode> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(LongNode.valueOf(first + i));
    }
    return new ResultBlock(first, Values.of(values), Values.of(values), Map.of());
  }

  /** Writes the blocks as the job's log; returns the length after each. */
  private static long[] log(Path dir, String id, ResultBlock... blocks) throws IOException {
    ResultFrameWriter writer = new ResultFrameWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long[] ends = new long[blocks.length];
    for (int i = 0; i < blocks.length; i++) {
      writer.write(blocks[i], out);
      ends[i] = out.size();
    }
    Files.write(dir.resolve(id + ".ndjson"), out.toByteArray());
    return ends;
  }

  private static JobRecordState journaled(
      String id, boolean ordered, JobInputs inputs, JobRecordEvent... events) {
    JobRecordState state = JobRecordState.EMPTY.apply(new Accepted(id, spec(ordered), inputs, T0));
    for (JobRecordEvent event : events) {
      state = state.apply(event);
    }
    return state;
  }

  private static Recovery recovery(Path dir) {
    return new Recovery(dir, new InputFiles(dir), 1000, 4, CLOCK);
  }

  /**
   * Tests that an unordered job of listed inputs goes on with the inputs its kept log misses: the
   * gap first (as ready batches of at most the largest batch, with ids above any given before),
   * then the inputs never sent; its sum counts exactly the kept results, and what was written after
   * the journaled mark is cut from the log.
   */
  @Test
  void anUnorderedJobGoesOnWithWhatItsLogMisses(@TempDir Path dir) throws IOException {
    List<JsonNode> inputs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      inputs.add(LongNode.valueOf(i));
    }
    new InputFiles(dir).write("ab-1", InputSource.of(inputs));
    long[] ends = log(dir, "ab-1", block(0, 4), block(9, 3), block(4, 1), block(12, 2));
    JobRecordState record =
        journaled("ab-1", false, JobInputs.list(20), new JobRecordEvent.ResultsSynced(8, ends[2]));

    RecoveredJob job = recovery(dir).recover(Map.of("ab-1", record)).get(0);

    assertThat(job.state().phase()).isEqualTo(Phase.RUNNING);
    assertThat(job.state().delivered()).isEqualTo(8);
    assertThat(job.state().combined().longValue()).isEqualTo(0 + 1 + 2 + 3 + 9 + 10 + 11 + 4);
    assertThat(job.state().nextFresh()).isEqualTo(12);
    assertThat(job.state().ready()).extracting(Batch::firstIndex).containsExactly(5L);
    assertThat(job.state().ready()).extracting(Batch::size).containsExactly(4);
    assertThat(job.state().ready().get(0).id()).isGreaterThan(RESTART.getEpochSecond());
    assertThat(job.state().ready().get(0).inputs().get(0).asLong()).isEqualTo(5);
    assertThat(job.bytes()).isEqualTo(ends[2]);
    assertThat(job.results()).isEqualTo(8);
    assertThat(job.closed()).isFalse();
    assertThat(Files.size(dir.resolve("ab-1.ndjson"))).isEqualTo(ends[2]);
  }

  /**
   * Tests that a job that resumed an earlier one goes on after a restart without the inputs it
   * skipped: the earlier job's successful results count as done (read from its kept log), its own
   * kept results too, and only the rest run; it is still marked as resuming.
   */
  @Test
  void aResumedJobStillSkipsWhatTheEarlierJobDid(@TempDir Path dir) throws IOException {
    JobSpec unordered =
        new JobSpec(new TaskSpec("echo", Map.of()), false, null, 0, 0, 3, Duration.ZERO);
    long[] earlierEnds = log(dir, "ab-1", block(0, 3), block(5, 2));
    JobRecordState earlier =
        JobRecordState.EMPTY
            .apply(new Accepted("ab-1", unordered, JobInputs.range(0, 10), T0))
            .apply(new JobRecordEvent.ResultsSynced(5, earlierEnds[1]))
            .apply(new JobRecordEvent.Ended("CANCELLED", "stop", T0, 5, earlierEnds[1]));
    long[] ends = log(dir, "ab-2", block(3, 1));
    JobRecordState resumed =
        JobRecordState.EMPTY
            .apply(new Accepted("ab-2", unordered, JobInputs.range(0, 10), T0, "ab-1"))
            .apply(new JobRecordEvent.ResultsSynced(1, ends[0]));

    List<RecoveredJob> jobs = recovery(dir).recover(Map.of("ab-1", earlier, "ab-2", resumed));
    RecoveredJob job = jobs.stream().filter(j -> j.state().id().equals("ab-2")).findFirst().get();

    assertThat(job.state().phase()).isEqualTo(Phase.RUNNING);
    assertThat(job.state().delivered()).isEqualTo(6);
    assertThat(job.state().ready()).extracting(Batch::firstIndex).containsExactly(4L);
    assertThat(job.state().nextFresh()).isEqualTo(7);
    assertThat(job.state().resumed()).isPresent();
    assertThat(job.state().resumed().get().done().contains(5)).isTrue();
    assertThat(job.results()).isEqualTo(1);
  }

  /**
   * Tests that an ordered range job goes on after its kept prefix, with nothing ready: the inputs
   * after the prefix are sent afresh.
   */
  @Test
  void anOrderedJobGoesOnAfterItsPrefix(@TempDir Path dir) throws IOException {
    long[] ends = log(dir, "ab-2", block(0, 5), block(5, 5), block(10, 5));
    JobRecordState record =
        journaled(
            "ab-2", true, JobInputs.range(100, 130), new JobRecordEvent.ResultsSynced(10, ends[1]));

    RecoveredJob job = recovery(dir).recover(Map.of("ab-2", record)).get(0);

    assertThat(job.state().delivered()).isEqualTo(10);
    assertThat(job.state().nextFresh()).isEqualTo(10);
    assertThat(job.state().ready()).isEmpty();
    assertThat(job.state().available()).isEqualTo(30);
    assertThat(job.inputs().get(10)).isEqualTo(LongNode.valueOf(110));
  }

  /**
   * Tests that an ended job comes back complete, as it ended and when, without its inputs (they
   * were deleted at its end), and that a cancelled job whose end was not journaled yet comes back
   * cancelled, its end still to write; the jobs come oldest first.
   */
  @Test
  void endedAndCancelledJobsStayAsTheyWere(@TempDir Path dir) throws IOException {
    long[] ends = log(dir, "ab-3", block(0, 4));
    Instant endedAt = T0.plusSeconds(5);
    JobRecordState ended =
        journaled(
            "ab-3",
            false,
            JobInputs.list(4),
            new JobRecordEvent.ResultsSynced(4, ends[0]),
            new JobRecordEvent.Ended("SUCCEEDED", null, endedAt, 4, ends[0]));
    long[] cut = log(dir, "ab-4", block(0, 2));
    JobRecordState cancelled =
        JobRecordState.EMPTY
            .apply(new Accepted("ab-4", spec(false), JobInputs.list(6), T0.plusSeconds(1)))
            .apply(new JobRecordEvent.ResultsSynced(2, cut[0]))
            .apply(new JobRecordEvent.Cancelled("cancelled on request"));

    List<RecoveredJob> jobs = recovery(dir).recover(Map.of("ab-4", cancelled, "ab-3", ended));

    assertThat(jobs).extracting(job -> job.state().id()).containsExactly("ab-3", "ab-4");
    RecoveredJob done = jobs.get(0);
    assertThat(done.state().phase()).isEqualTo(Phase.SUCCEEDED);
    assertThat(done.state().finishedAt()).contains(endedAt);
    assertThat(done.state().combined().longValue()).isEqualTo(6);
    assertThat(done.closed()).isTrue();
    RecoveredJob stopped = jobs.get(1);
    assertThat(stopped.state().phase()).isEqualTo(Phase.CANCELLED);
    assertThat(stopped.state().message()).isEqualTo("cancelled on request");
    assertThat(stopped.state().available()).isEqualTo(6);
    assertThat(stopped.closed()).isFalse();
  }

  /**
   * Tests that a running streamed job goes on with the inputs its stream file holds up to the count
   * journaled, its inputs still open: an upload written after that count (never journaled) is cut
   * from the file, and the job's next inputs follow the journaled ones.
   */
  @Test
  void aRunningStreamedJobGoesOnWithItsKeptInputs(@TempDir Path dir) throws IOException {
    InputFiles files = new InputFiles(dir);
    List<JsonNode> first = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      first.add(LongNode.valueOf(10 + i));
    }
    files.append("ab-5", first);
    files.append("ab-5", List.of(LongNode.valueOf(99)));
    long[] ends = log(dir, "ab-5", block(0, 3));
    JobRecordState record =
        journaled(
            "ab-5",
            false,
            new JobInputs(JobInputs.Kind.STREAM, 0, 0, 0, 0),
            new JobRecordEvent.InputsAdded(5),
            new JobRecordEvent.ResultsSynced(3, ends[0]));

    RecoveredJob job = recovery(dir).recover(Map.of("ab-5", record)).get(0);

    assertThat(job.state().phase()).isEqualTo(Phase.RUNNING);
    assertThat(job.state().inputsOpen()).isTrue();
    assertThat(job.state().available()).isEqualTo(5);
    assertThat(job.state().delivered()).isEqualTo(3);
    assertThat(job.inputs().get(4).asLong()).isEqualTo(14);
    assertThat(files.readStream("ab-5", 0, 5)).hasSize(5);
    files.append("ab-5", List.of(LongNode.valueOf(15)));
    assertThat(files.readStream("ab-5", 5, 6).get(0).asLong()).isEqualTo(15);
  }

  /**
   * Tests that a log holding fewer results than its journal counts, and a job whose listed inputs
   * are gone, stop the start with messages naming the file and what to do.
   */
  @Test
  void aLogOrInputsThatDoNotMatchTheJournalStopTheStart(@TempDir Path dir) throws IOException {
    long[] ends = log(dir, "ab-6", block(0, 3));
    JobRecordState miscounted =
        journaled(
            "ab-6", false, JobInputs.range(0, 9), new JobRecordEvent.ResultsSynced(4, ends[0]));
    assertThatThrownBy(() -> recovery(dir).recover(Map.of("ab-6", miscounted)))
        .hasMessageStartingWith(
            "the result log "
                + dir.resolve("ab-6.ndjson")
                + " holds 3 results where the journal"
                + " counts 4")
        .hasMessageContaining("restore the data folder from a backup");
    JobRecordState lost = journaled("ab-7", false, JobInputs.list(5));
    assertThatThrownBy(() -> recovery(dir).recover(Map.of("ab-7", lost)))
        .hasMessageStartingWith("the inputs of job ab-7 are missing: ")
        .hasMessageContaining("inputs/ab-7.cbor");
  }
}
