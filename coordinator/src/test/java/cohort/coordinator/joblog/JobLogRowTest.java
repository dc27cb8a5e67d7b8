package cohort.coordinator.joblog;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.TaskError;
import cohort.coordinator.job.Batch;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.coordinator.job.JobEvent.NodeLost;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.Origin;
import cohort.coordinator.job.ResultBlock;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobLogRowTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static JobSpec spec(int retries, int maxAttempts) {
    return new JobSpec(
        new TaskSpec("echo", Map.of()), false, null, 0, retries, maxAttempts, Duration.ZERO);
  }

  private static List<JsonNode> longs(int from, int to) {
    List<JsonNode> values = new ArrayList<>();
    for (int i = from; i < to; i++) {
      values.add(LongNode.valueOf(i));
    }
    return values;
  }

  /** Applies events, collecting the rows of what they release. */
  private static final class Run {
    JobState state;
    final List<JobLogRow> rows = new ArrayList<>();

    Run(JobState state) {
      this.state = state;
    }

    void apply(cohort.coordinator.job.JobEvent event, Instant now) {
      JobState.Transition step = state.updated(event, now);
      state = step.state();
      step.released().forEach(block -> rows.addAll(JobLogRow.of(block)));
    }
  }

  /** Tests that rows name the node, the batch's send time and the task's time per input. */
  @Test
  void rowsTellWhereWhenAndHowLong() {
    Run run = new Run(JobState.accepted("j", spec(0, 3), 2, 100, T0));
    Batch batch = Batch.fresh(0, 0, longs(0, 2));
    run.apply(new Dispatched(batch, "n1", "10.0.0.1:2552"), T0.plusMillis(1500));
    run.apply(
        new BatchCompleted(0, 0, Values.of(longs(0, 2)), List.of(), true, 3_000_000_000L),
        T0.plusSeconds(5));

    assertThat(run.rows).hasSize(2);
    JobLogRow first = run.rows.get(0);
    assertThat(first.host()).isEqualTo("10.0.0.1:2552");
    assertThat(first.start()).isEqualTo(T0.plusMillis(1500));
    assertThat(first.runtimeNanos()).isEqualTo(1_500_000_000L);
    assertThat(first.attempts()).isEqualTo(1);
    assertThat(first.outcome()).isEqualTo(JobLogRow.OK);
    assertThat(first.tsv())
        .isEqualTo("1\t10.0.0.1:2552\t1767225601.500\t     1.500\t1\t1\t0\t0\t0\t1\tok\n");
    assertThat(run.rows.get(1).tsv()).startsWith("2\t");
  }

  /**
   * Tests that an input retried after a task failure shows the attempt that gave its result, and
   * one that fails for good shows its error type and exit 1.
   */
  @Test
  void retriedAndFailedInputs() {
    Run run = new Run(JobState.accepted("j", spec(1, 3), 2, 100, T0));
    TaskError boom = new TaskError("java.lang.IllegalStateException", "boom", "n1", 1, null);
    run.apply(new Dispatched(Batch.fresh(0, 0, longs(0, 2)), "n1", "a:1"), T0);
    run.apply(
        new BatchCompleted(
            0,
            0,
            Values.of(List.of(LongNode.valueOf(0), NullNode.getInstance())),
            List.of(new InputFailure(1, FailureKind.TASK, boom)),
            true,
            0),
        T0);
    Batch again = run.state.ready().get(0);
    run.apply(new Dispatched(again, "n2", "b:2"), T0.plusSeconds(1));
    run.apply(
        new BatchCompleted(
            again.id(),
            0,
            Values.of(List.of(NullNode.getInstance())),
            List.of(new InputFailure(0, FailureKind.TASK, boom)),
            true,
            0),
        T0.plusSeconds(2));

    assertThat(run.rows).extracting(JobLogRow::index).containsExactly(0L, 1L);
    JobLogRow failed = run.rows.get(1);
    assertThat(failed.outcome()).isEqualTo("java.lang.IllegalStateException");
    assertThat(failed.attempts()).isEqualTo(2);
    assertThat(failed.host()).isEqualTo("b:2");
    assertThat(failed.exit()).isEqualTo(1);
  }

  /** Tests that an input whose node is lost on each of its runs shows as quarantined. */
  @Test
  void quarantinedInput() {
    Run run = new Run(JobState.accepted("j", spec(0, 2), 1, 100, T0));
    run.apply(new Dispatched(Batch.fresh(0, 0, longs(0, 1)), "n1", "a:1"), T0);
    run.apply(new NodeLost("n1", "gone", Set.of(0L)), T0);
    run.apply(new Dispatched(run.state.ready().get(0), "n2", "b:2"), T0);
    run.apply(new NodeLost("n2", "gone", Set.of(run.state.inFlight().get(0).batch().id())), T0);

    assertThat(run.rows).hasSize(1);
    assertThat(run.rows.get(0).outcome()).isEqualTo(JobLogRow.QUARANTINED);
    assertThat(run.rows.get(0).attempts()).isEqualTo(2);
  }

  /** Tests that exec's output gives the row its exit code, time and stdout bytes. */
  @Test
  void execOutputGivesExitCodeAndTime() {
    JsonNode output =
        new ObjectMapper()
            .createObjectNode()
            .put("exit", 3)
            .put("stdout", "hello\n")
            .put("stderr", "")
            .put("millis", 250);
    ResultBlock block =
        new ResultBlock(
            4,
            Values.of(List.of(TextNode.valueOf("a\tb"))),
            Values.of(List.of(output)),
            Map.of(),
            new Origin("h:1", 1, T0, 99));

    JobLogRow row = JobLogRow.of(block).get(0);
    assertThat(row.exit()).isEqualTo(3);
    assertThat(row.runtimeNanos()).isEqualTo(250_000_000L);
    assertThat(row.receive()).isEqualTo(6);
    assertThat(row.tsv())
        .isEqualTo("5\th:1\t1767225600.000\t     0.250\t6\t6\t3\t0\ta\\tb\t1\tok\n");
  }

  /** Tests that Send and Receive count the bytes of the JSON, without writing numbers out. */
  @Test
  void sendAndReceiveCountJsonBytes() {
    ResultBlock block =
        new ResultBlock(
            0,
            Values.of(List.of(TextNode.valueOf("é€"), LongNode.valueOf(-120))),
            Values.of(List.of(TextNode.valueOf("q\""), new ObjectMapper().createObjectNode())),
            Map.of(),
            Origin.UNKNOWN);

    List<JobLogRow> rows = JobLogRow.of(block);
    assertThat(rows.get(0).send()).isEqualTo(2 + 2 + 3);
    assertThat(rows.get(0).receive()).isEqualTo(5);
    assertThat(rows.get(1).send()).isEqualTo(4);
    assertThat(rows.get(1).receive()).isEqualTo(2);
    assertThat(rows.get(1).command()).isEqualTo("-120");
  }

  /** Tests that exec's failure on its exit code (check: true) keeps the code. */
  @Test
  void execCheckFailureKeepsExitCode() {
    TaskError error =
        new TaskError(
            "cohort.node.tasks.exec.ExecTask$CommandFailedException",
            "the command exited with code 7: oops",
            "h:1",
            1,
            null);
    ResultBlock block =
        ResultBlock.failed(0, Values.of(List.of(TextNode.valueOf("x"))), error, Origin.UNKNOWN);

    assertThat(JobLogRow.of(block).get(0).exit()).isEqualTo(7);
  }

  /** Tests that times print as parallel's {@code %.3f} and {@code %10.3f} print them. */
  @Test
  void secondsAsParallelPrintsThem() {
    for (long millis : new long[] {0, 7, 20, 999, 1000, 1234, 60_005, 1_796_191_150_296L}) {
      assertThat(JobLogRow.seconds(millis, 10))
          .isEqualTo(String.format(java.util.Locale.ROOT, "%10.3f", millis / 1000.0));
      assertThat(JobLogRow.seconds(millis, 0))
          .isEqualTo(String.format(java.util.Locale.ROOT, "%.3f", millis / 1000.0));
    }
  }

  /** Tests that the header's first nine columns are GNU parallel's, in its order. */
  @Test
  void headerStartsWithParallelsColumns() {
    assertThat(JobLogRow.HEADER)
        .startsWith("Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\t");
  }
}
