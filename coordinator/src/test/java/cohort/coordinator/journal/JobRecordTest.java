package cohort.coordinator.journal;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.labels.Requirement;
import cohort.coordinator.job.Combiner;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.journal.JobRecordEvent.Accepted;
import cohort.coordinator.journal.JobRecordEvent.Cancelled;
import cohort.coordinator.journal.JobRecordEvent.Ended;
import cohort.coordinator.journal.JobRecordEvent.ResultsSynced;
import cohort.protocol.TaskSpec;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's journal on a real H2 file: what it writes is there again after the actor system that
 * wrote it is gone, replayed from events and from snapshots, and it refuses events that cannot
 * follow what it holds.
 */
class JobRecordTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static final Accepted ACCEPTED =
      new Accepted(
          "k3-7",
          new JobSpec(
              new TaskSpec("sleep", Map.of("unit", TextNode.valueOf("ms"))),
              false,
              Combiner.parse("sum"),
              0,
              1,
              3,
              Duration.ofSeconds(30),
              // How the job shares the cluster is journaled with it, so a restart keeps it.
              new cohort.coordinator.scheduling.JobPolicy(
                  5,
                  3,
                  new java.util.TreeMap<>(Map.of("db", 4)),
                  cohort.coordinator.scheduling.Rate.parse("100/s", "'rate'"),
                  new java.util.TreeMap<>(
                      Map.of("api", cohort.coordinator.scheduling.Rate.parse("10/m", "'rate'")))),
              // Labels required are journaled, so a restarted coordinator routes the job alike.
              Requirement.parse(List.of("zone=a", "gpu"), "--require"),
              true),
          JobInputs.range(0, 2000),
          T0);

  private static void record(
      ActorTestKit kit, ActorRef<JobRecord.Command> job, JobRecordEvent event) {
    TestProbe<StatusReply<Done>> reply = kit.createTestProbe();
    job.tell(new JobRecord.Record(event, reply.getRef()));
    assertThat(reply.receiveMessage(Duration.ofSeconds(20)).isSuccess()).isTrue();
  }

  private static JobRecordState replayed(ActorTestKit kit, String jobId) {
    ActorRef<JobRecord.Command> job = kit.spawn(JobRecord.create(jobId));
    TestProbe<JobRecordState> state = kit.createTestProbe();
    job.tell(new JobRecord.Get(state.getRef()));
    return state.receiveMessage(Duration.ofSeconds(20));
  }

  /**
   * Tests that a job's acceptance, synced marks, cancellation and end are there again, as they were
   * written, for an actor system started after the first one ended, and that the journal lists the
   * job.
   */
  @Test
  void whatIsJournaledSurvivesTheActorSystem(@TempDir Path dataDir) throws Exception {
    ActorTestKit first = JournalTestKit.start(dataDir, "journal");
    try {
      ActorRef<JobRecord.Command> job = first.spawn(JobRecord.create("k3-7"));
      record(first, job, ACCEPTED);
      record(first, job, new ResultsSynced(120, 4096));
      record(first, job, new Cancelled("cancelled on request"));
      record(first, job, new Ended("CANCELLED", "cancelled on request", T0, 130, 4400));
      first.spawn(JobRecord.create("k3-8")); // nothing journaled: not listed
    } finally {
      first.shutdownTestKit();
    }
    ActorTestKit second = JournalTestKit.start(dataDir, "journal");
    try {
      JobRecordState state = replayed(second, "k3-7");
      assertThat(state.accepted()).isEqualTo(ACCEPTED);
      assertThat(state.results()).isEqualTo(130);
      assertThat(state.bytes()).isEqualTo(4400);
      assertThat(state.cancelled()).isEqualTo("cancelled on request");
      assertThat(state.ended().phase()).isEqualTo("CANCELLED");
      assertThat(JournaledJobs.ids(second.system()).toCompletableFuture().get())
          .containsExactly("k3-7");
      assertThat(replayed(second, "k3-9")).isEqualTo(JobRecordState.EMPTY);
    } finally {
      second.shutdownTestKit();
    }
  }

  /**
   * Tests that a job with more events than a snapshot interval recovers to its last state, and that
   * a parameter's decimal keeps its digits.
   */
  @Test
  void aLongJobRecoversFromItsSnapshots(@TempDir Path dataDir) {
    Accepted accepted =
        new Accepted(
            "k3-10",
            JobSpec.of(
                new TaskSpec("echo", Map.of("rate", DecimalNode.valueOf(new BigDecimal("0.10"))))),
            JobInputs.list(3),
            T0);
    int syncs = JobRecord.SNAPSHOT_EVERY * 2 + 37;
    ActorTestKit first = JournalTestKit.start(dataDir, "journal");
    try {
      ActorRef<JobRecord.Command> job = first.spawn(JobRecord.create("k3-10"));
      record(first, job, accepted);
      for (int i = 1; i <= syncs; i++) {
        record(first, job, new ResultsSynced(i, i * 10L));
      }
    } finally {
      first.shutdownTestKit();
    }
    ActorTestKit second = JournalTestKit.start(dataDir, "journal");
    try {
      JobRecordState state = replayed(second, "k3-10");
      assertThat(state.results()).isEqualTo(syncs);
      assertThat(state.bytes()).isEqualTo(syncs * 10L);
      assertThat(state.accepted().spec().task().params().get("rate").decimalValue())
          .isEqualTo(new BigDecimal("0.10"));
    } finally {
      second.shutdownTestKit();
    }
  }

  /** Tests that an event that cannot follow what is journaled is refused, and nothing written. */
  @Test
  void refusesWhatCannotFollow(@TempDir Path dataDir) {
    ActorTestKit kit = JournalTestKit.start(dataDir, "journal");
    try {
      ActorRef<JobRecord.Command> job = kit.spawn(JobRecord.create("k3-7"));
      TestProbe<StatusReply<Done>> reply = kit.createTestProbe();
      job.tell(new JobRecord.Record(new ResultsSynced(1, 1), reply.getRef()));
      // The journal's first write opens its file: slow on a loaded machine.
      assertThat(reply.receiveMessage(Duration.ofSeconds(20)).getError().getMessage())
          .isEqualTo("the job's acceptance is not journaled");
      record(kit, job, ACCEPTED);
      record(kit, job, new ResultsSynced(50, 900));
      for (JobRecordEvent late : List.of(ACCEPTED, new ResultsSynced(40, 900))) {
        job.tell(new JobRecord.Record(late, reply.getRef()));
        assertThat(reply.receiveMessage(Duration.ofSeconds(20)).isError()).isTrue();
      }
      assertThat(replayed(kit, "k3-7").results()).isEqualTo(50);
    } finally {
      kit.shutdownTestKit();
    }
  }

  /** Tests that the database's refusals become words that say what to do. */
  @Test
  void refusalsSayWhatToDo() {
    assertThat(
            JournalSchema.explain(
                new java.sql.SQLException("Database may be already in use", "90020", 90020),
                "/var/lib/cohort"))
        .isEqualTo(
            "the journal in /var/lib/cohort is open in another process: another coordinator uses"
                + " this data folder; stop it, or give this coordinator a folder of its own with"
                + " --data-dir");
    assertThat(
            JournalSchema.explain(
                new java.sql.SQLException(
                    "File corrupted while reading record\nmore", "90030", 90030),
                "/var/lib/cohort"))
        .isEqualTo(
            "the journal in /var/lib/cohort is damaged (File corrupted while reading record);"
                + " move the folder away to start with no jobs, or restore it from a backup");
  }

  /** Tests that the schema can be made again on a folder that has it. */
  @Test
  void theSchemaCanBeMadeAgain(@TempDir Path dataDir) {
    String url = JournalConfig.h2Url(dataDir);
    JournalSchema.ensureH2(url, dataDir.toString());
    JournalSchema.ensureH2(url, dataDir.toString());
    assertThat(dataDir.resolve("journal").resolve("cohort.mv.db")).exists();
  }
}
