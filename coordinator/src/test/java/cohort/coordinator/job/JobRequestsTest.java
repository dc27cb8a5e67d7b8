package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.JobRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobRequestsTest {

  private static JobRequest range(String range, Integer split) {
    return JobRequest.range("sum-range", range).withSplit(split);
  }

  private static JobRequest echo() {
    return JobRequest.of("echo", List.of());
  }

  /** Tests that a plain request gets the defaults: ordered, no combiner, adaptive batches. */
  @Test
  void defaults() {
    JobRequests.Parsed parsed =
        JobRequests.parse(JobRequest.of("echo", List.of((JsonNode) IntNode.valueOf(1))));
    assertThat(parsed.spec().ordered()).isTrue();
    assertThat(parsed.spec().combiner()).isNull();
    assertThat(parsed.spec().batch()).isZero();
    assertThat(parsed.taskCombiner()).isTrue();
    assertThat(parsed.inputs().size()).isEqualTo(1);
  }

  /** Tests that ranges accept underscores and negative ends, and split makes K inputs. */
  @Test
  void ranges() {
    assertThat(JobRequests.parse(range("1_000..2_000", null)).inputs().size()).isEqualTo(1000);
    assertThat(JobRequests.parse(range("-5..5", null)).inputs().size()).isEqualTo(10);
    assertThat(JobRequests.parse(range("0..1000000000", 64)).inputs().size()).isEqualTo(64);
  }

  /** Tests that 'none' turns the task's default combiner off. */
  @Test
  void noneCombiner() {
    JobRequest request = range("0..10", 2).withCombine("none");
    JobRequests.Parsed parsed = JobRequests.parse(request);
    assertThat(parsed.spec().combiner()).isNull();
    assertThat(parsed.taskCombiner()).isFalse();
  }

  /** Tests that each malformed request is refused with a message that says what to do. */
  @Test
  void refusesMalformedRequests() {
    assertThatThrownBy(() -> JobRequests.parse(JobRequest.of(null, List.of())))
        .hasMessageContaining("no 'task'");
    assertThatThrownBy(() -> JobRequests.parse(JobRequest.of("echo", null)))
        .hasMessageContaining("no inputs");
    assertThatThrownBy(
            () ->
                JobRequests.parse(
                    new JobRequest(
                        "echo", null, List.of(), "0..2", null, null, null, null, null, null, null,
                        null, null, null, null, null, null, null, null, null, null, null)))
        .hasMessageContaining("not several");
    assertThatThrownBy(() -> JobRequests.parse(echo().withSplit(3)))
        .hasMessageContaining("'split'");
    assertThatThrownBy(() -> JobRequests.parse(range("0...5", null))).hasMessageContaining("A..B");
    assertThatThrownBy(() -> JobRequests.parse(range("9..5", null)))
        .hasMessageContaining("ends before");
    assertThatThrownBy(() -> JobRequests.parse(range("0..99999999999999999999", null)))
        .hasMessageContaining("64-bit");
    assertThatThrownBy(() -> JobRequests.parse(echo().withCombine("avg")))
        .hasMessageContaining("unknown combiner 'avg'; use one of sum, count, min, max, or none");
    assertThatThrownBy(() -> JobRequests.parse(echo().withBatch(-1)))
        .hasMessageContaining("'batch' is -1");
    assertThatThrownBy(() -> JobRequests.parse(echo().withRetries(-2)))
        .hasMessage("'retries' is -2; use 0 to 100");
    assertThatThrownBy(() -> JobRequests.parse(echo().withMaxAttempts(0)))
        .hasMessage("'maxAttempts' is 0; use 1 to 100");
    assertThatThrownBy(() -> JobRequests.parse(echo().withTaskTimeout("soon")))
        .hasMessage("'taskTimeout' 'soon' is not a duration; write for example 500ms, 30s or 5m");
    assertThatThrownBy(() -> JobRequests.parse(echo().withTaskTimeout("0s")))
        .hasMessageContaining("must be positive");
  }

  /** Tests that 'batch' 0 is refused: leaving it out is the one way to ask for sized batches. */
  @Test
  void batchZeroIsRefused() {
    assertThatThrownBy(() -> JobRequests.parse(echo().withBatch(0)))
        .hasMessage(
            "'batch' is 0; it takes a whole number of inputs per dispatch, 1 or more; leave"
                + " 'batch' out to size batches from the measured task time");
    assertThat(JobRequests.parse(echo().withBatch(1)).spec().batch()).isEqualTo(1);
  }

  /** Tests that failure settings reach the spec. */
  @Test
  void failureSettings() {
    JobSpec spec =
        JobRequests.parse(echo().withRetries(2).withMaxAttempts(5).withTaskTimeout("1.5s")).spec();
    assertThat(spec.retries()).isEqualTo(2);
    assertThat(spec.maxAttempts()).isEqualTo(5);
    assertThat(spec.taskTimeout()).isEqualTo(java.time.Duration.ofMillis(1500));
    JobSpec defaults = JobRequests.parse(echo()).spec();
    assertThat(defaults.retries()).isZero();
    assertThat(defaults.maxAttempts()).isEqualTo(3);
    assertThat(defaults.taskTimeout()).isZero();
  }

  /** Tests that an input too large for a cluster message is refused with its index. */
  @Test
  void refusesOversizedInputs() {
    JsonNode big = TextNode.valueOf("x".repeat(200_000));
    assertThatThrownBy(
            () -> JobRequests.parse(JobRequest.of("echo", List.of(IntNode.valueOf(1), big))))
        .hasMessageContaining("input 1 is about");
  }

  /** Tests that a streamed job starts with no inputs and refuses other input sources. */
  @Test
  void streamedJobs() {
    JobRequests.Parsed parsed = JobRequests.parse(JobRequest.streamed("echo"));
    assertThat(parsed.inputs()).isInstanceOf(StreamedInputs.class);
    assertThat(parsed.inputs().size()).isZero();
    assertThatThrownBy(() -> JobRequests.parse(JobRequest.streamed("echo").withSplit(2)))
        .hasMessageContaining("'split'");
  }
}
