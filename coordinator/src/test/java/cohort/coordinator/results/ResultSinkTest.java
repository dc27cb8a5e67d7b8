package cohort.coordinator.results;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.ResultBlock;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ResultSinkTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local"));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static final JobState RUNNING =
      JobState.accepted("j", JobSpec.of(new TaskSpec("echo", Map.of())), 5, 10, T0);

  private static final JobState ENDED = RUNNING.updated(new JobEvent.Cancelled("test"), T0).state();

  private static ResultBlock block(long from, int size) {
    List<JsonNode> values = Collections.nCopies(size, LongNode.valueOf(1));
    return new ResultBlock(from, Values.of(values), Values.of(values), Map.of());
  }

  /** Tests that a round's results go in one append, and the log closes once, after them. */
  @Test
  void appendsOncePerRoundAndClosesOnce() {
    TestProbe<ResultWriter.Command> writer = testKit.createTestProbe();
    ResultSink sink = new ResultSink();
    sink.add(List.of(block(0, 2)));
    sink.flush(RUNNING); // no writer yet: the results wait
    sink.start(writer.ref());
    sink.add(List.of(block(2, 3)));
    sink.flush(ENDED);
    assertThat(((ResultWriter.Append) writer.receiveMessage()).blocks())
        .extracting(ResultBlock::firstIndex)
        .containsExactly(0L, 2L);
    assertThat(writer.receiveMessage()).isEqualTo(new ResultWriter.Close("CANCELLED", "test", T0));
    sink.flush(ENDED);
    writer.expectNoMessage(java.time.Duration.ofMillis(50));
  }

  /** Tests that the job is held back while too many results wait for the disk, and let go after. */
  @Test
  void holdsBackWhileTheWriterIsBehind() {
    ResultSink sink = new ResultSink();
    sink.add(List.of(block(0, (int) ResultSink.MAX_UNWRITTEN)));
    assertThat(sink.heldBack()).isFalse();
    sink.add(List.of(block(ResultSink.MAX_UNWRITTEN, 1)));
    assertThat(sink.heldBack()).isTrue();
    assertThat(sink.written(0)).isFalse();
    assertThat(sink.written(1)).isTrue();
    assertThat(sink.heldBack()).isFalse();
    assertThat(sink.written(5)).isFalse();
  }
}
