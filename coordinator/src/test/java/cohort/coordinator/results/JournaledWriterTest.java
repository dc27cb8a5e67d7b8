package cohort.coordinator.results;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.ResultBlock;
import cohort.coordinator.journal.JobInputs;
import cohort.coordinator.journal.JobRecordEvent;
import cohort.coordinator.journal.JobRecordState;
import cohort.coordinator.journal.JournalTestKit;
import cohort.coordinator.journal.PekkoJournal;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's result writer with a durable journal, on a real H2 file: what it makes readable is synced
 * and journaled, an input's file goes only once its result is kept, the end is journaled before the
 * log reads as complete, and a writer that goes on after a restart appends after the kept results.
 */
class JournaledWriterTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private record Written(String jobId, int count) implements CoordinatorProtocol.Command {}

  /** A block of inputs that name blobs, as file inputs do. */
  private static ResultBlock files(long first, List<String> blobs) {
    List<JsonNode> inputs = new ArrayList<>();
    List<JsonNode> outputs = new ArrayList<>();
    for (String blob : blobs) {
      ObjectNode input = JsonNodeFactory.instance.objectNode();
      input.put("blob", blob);
      inputs.add(input);
      outputs.add(JsonNodeFactory.instance.numberNode(blob.length()));
    }
    return new ResultBlock(first, Values.of(inputs), Values.of(outputs), Map.of());
  }

  private static JobRecordState state(PekkoJournal journal, String id) throws Exception {
    return journal.state(id).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static String blob(BlobStore blobs, String jobId) throws Exception {
    String id = blobs.newId(jobId);
    Files.createDirectories(blobs.pathOf(id).getParent());
    Files.writeString(blobs.pathOf(id), "bytes");
    return id;
  }

  /**
   * Tests that after appends and the close, the journal holds the log's whole length and the job's
   * end, the log is complete at that length, the inputs' blobs are gone, and the end hook ran; and
   * that a second writer opened at that mark after bytes a crash left behind cuts them and appends
   * after the kept results.
   */
  @Test
  void keepsWhatItShowsAndGoesOnAtTheMark(@TempDir Path dir) throws Exception {
    ActorTestKit kit = JournalTestKit.start(dir, "writer");
    try {
      PekkoJournal journal = new PekkoJournal(kit.system());
      journal
          .record(
              "ab-1",
              new JobRecordEvent.Accepted(
                  "ab-1", JobSpec.of(new TaskSpec("echo", Map.of())), JobInputs.list(3), T0))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      BlobStore blobs = new BlobStore(dir.resolve("blobs"));
      List<String> ids = List.of(blob(blobs, "ab-1"), blob(blobs, "ab-1"), blob(blobs, "ab-1"));
      ResultLog log = new ResultLog(dir.resolve("ab-1.ndjson"));
      CountDownLatch ended = new CountDownLatch(1);
      TestProbe<CoordinatorProtocol.Command> owner = kit.createTestProbe();
      ActorRef<ResultWriter.Command> writer =
          kit.spawn(
              ResultWriter.create(
                  new ResultWriter.Setup(
                      log, "ab-1", 0, 0, Duration.ofMillis(20), ended::countDown),
                  blobs,
                  journal,
                  owner.ref(),
                  Written::new));
      writer.tell(new ResultWriter.Append(List.of(files(0, ids.subList(0, 2)))));
      writer.tell(new ResultWriter.Append(List.of(files(2, ids.subList(2, 3)))));
      writer.tell(new ResultWriter.Close("SUCCEEDED", null, T0.plusSeconds(1)));
      assertThat(ended.await(20, TimeUnit.SECONDS)).isTrue();

      long size = Files.size(log.file());
      JobRecordState kept = state(journal, "ab-1");
      assertThat(kept.results()).isEqualTo(3);
      assertThat(kept.bytes()).isEqualTo(size);
      assertThat(kept.ended().phase()).isEqualTo("SUCCEEDED");
      assertThat(kept.ended().bytes()).isEqualTo(size);
      assertThat(log.closed()).isTrue();
      for (String id : ids) {
        assertThat(Files.exists(blobs.pathOf(id))).as(id).isFalse();
      }

      // A crash left bytes after the mark: a writer opened at the mark cuts them.
      Path again = dir.resolve("ab-2.ndjson");
      Files.copy(log.file(), again);
      Files.write(again, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
      ResultLog resumed = new ResultLog(again);
      ActorRef<ResultWriter.Command> second =
          kit.spawn(
              ResultWriter.create(
                  new ResultWriter.Setup(resumed, "ab-2", size, 3, Duration.ZERO, () -> {}),
                  blobs,
                  cohort.coordinator.journal.Journal.NONE,
                  owner.ref(),
                  Written::new));
      second.tell(new ResultWriter.Append(List.of(files(3, List.of("none")))));
      second.tell(new ResultWriter.Close("SUCCEEDED", null, T0));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!resumed.closed() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      List<Long> indexes = new ArrayList<>();
      try (var in = Files.newInputStream(again)) {
        cohort.api.ResultFrames.read(in).forEachRemaining(result -> indexes.add(result.index()));
      }
      assertThat(indexes).containsExactly(0L, 1L, 2L, 3L);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
