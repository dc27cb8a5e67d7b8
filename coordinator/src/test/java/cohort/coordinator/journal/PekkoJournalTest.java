package cohort.coordinator.journal;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.coordinator.job.JobSpec;
import cohort.protocol.TaskSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal under a burst, on a real H2 file: thousands of jobs journaled at once, more than the
 * JDBC plugin's write buffer (1,000), are all written, none dropped; and a forgotten job's events
 * are gone. (Each job's own journal never holds more than a few commands: the coordinator has at
 * most one sync and one upload of a job under way. Pekko's stash, which drops what overflows by
 * default, is set to fail loudly instead.)
 */
class PekkoJournalTest {

  /**
   * Tests that 3,000 jobs accepted at once, and a synced mark for each, are all journaled and read
   * back; and that forgetting a job deletes what the journal held of it.
   */
  @Test
  void aBurstIsWrittenWholeAndForgottenJobsGo(@TempDir Path dir) throws Exception {
    ActorTestKit kit = JournalTestKit.start(dir, "burst");
    try {
      PekkoJournal journal = new PekkoJournal(kit.system());
      JobSpec spec = JobSpec.of(new TaskSpec("echo", Map.of()));
      Instant now = Instant.parse("2026-12-01T10:00:00Z");
      int jobs = 3000;
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        String id = "b-" + i;
        writes.add(
            journal
                .record(id, new JobRecordEvent.Accepted(id, spec, JobInputs.range(0, i), now))
                .thenCompose(ok -> journal.record(id, new JobRecordEvent.ResultsSynced(1, 10)))
                .toCompletableFuture());
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      assertThat(writes).allSatisfy(write -> assertThat(write).isCompleted());

      List<String> ids =
          JournaledJobs.ids(kit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(ids).hasSize(jobs);
      JobRecordState last = journal.state("b-2999").toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(last.accepted().inputs()).isEqualTo(JobInputs.range(0, 2999));
      assertThat(last.results()).isEqualTo(1);

      journal.forget("b-7").toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(JournaledJobs.ids(kit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS))
          .hasSize(jobs - 1)
          .doesNotContain("b-7");
    } finally {
      kit.shutdownTestKit();
    }
  }

  /**
   * Tests that the start-up warm-up writes and reads back a journal of its own and leaves nothing:
   * no job is listed, and its rows are gone.
   */
  @Test
  void theWarmUpLeavesNothing(@TempDir Path dir) throws Exception {
    ActorTestKit kit = JournalTestKit.start(dir, "warm");
    try {
      PekkoJournal journal = new PekkoJournal(kit.system());
      JobSpec spec = JobSpec.of(new TaskSpec("echo", Map.of()));
      journal
          .warmUp(
              new JobRecordEvent.Accepted(
                  "w", spec, JobInputs.range(0, 1), Instant.parse("2026-12-01T10:00:00Z")))
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      assertThat(JournaledJobs.ids(kit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS))
          .isEmpty();
      try (java.sql.Connection connection =
              java.sql.DriverManager.getConnection(JournalConfig.h2Url(dir), "sa", "");
          java.sql.ResultSet rows =
              connection.createStatement().executeQuery("SELECT COUNT(*) FROM \"event_journal\"")) {
        rows.next();
        assertThat(rows.getLong(1)).isZero();
      }
    } finally {
      kit.shutdownTestKit();
    }
  }
}
