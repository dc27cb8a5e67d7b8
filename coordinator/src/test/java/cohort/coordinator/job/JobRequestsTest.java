package cohort.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.messages.api.JobRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobRequestsTest {

  private static JobRequest range(String range, Integer split) {
    return new JobRequest("sum-range", null, null, range, split, null, null, null);
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
    JobRequest request = new JobRequest("sum-range", null, null, "0..10", 2, null, "none", null);
    JobRequests.Parsed parsed = JobRequests.parse(request);
    assertThat(parsed.spec().combiner()).isNull();
    assertThat(parsed.taskCombiner()).isFalse();
  }

  /** Tests that each malformed request is refused with a message that says what to do. */
  @Test
  void refusesMalformedRequests() {
    assertThatThrownBy(() -> JobRequests.parse(new JobRequest(null, null, List.of(), null, null, null, null, null)))
        .hasMessageContaining("no 'task'");
    assertThatThrownBy(() -> JobRequests.parse(new JobRequest("echo", null, null, null, null, null, null, null)))
        .hasMessageContaining("no inputs");
    assertThatThrownBy(
            () -> JobRequests.parse(new JobRequest("echo", null, List.of(), "0..2", null, null, null, null)))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> JobRequests.parse(new JobRequest("echo", null, List.of(), null, 3, null, null, null)))
        .hasMessageContaining("'split'");
    assertThatThrownBy(() -> JobRequests.parse(range("0...5", null))).hasMessageContaining("A..B");
    assertThatThrownBy(() -> JobRequests.parse(range("9..5", null))).hasMessageContaining("ends before");
    assertThatThrownBy(() -> JobRequests.parse(range("0..99999999999999999999", null)))
        .hasMessageContaining("64-bit");
    assertThatThrownBy(() -> JobRequests.parse(new JobRequest("echo", null, List.of(), null, null, null, "avg", null)))
        .hasMessageContaining("unknown combiner 'avg'; use one of sum, count, min, max, or none");
    assertThatThrownBy(() -> JobRequests.parse(new JobRequest("echo", null, List.of(), null, null, null, null, -1)))
        .hasMessageContaining("'batch' is -1");
  }

  /** Tests that an input too large for a cluster message is refused with its index. */
  @Test
  void refusesOversizedInputs() {
    JsonNode big = TextNode.valueOf("x".repeat(100_000));
    assertThatThrownBy(() -> JobRequests.parse(JobRequest.of("echo", List.of(IntNode.valueOf(1), big))))
        .hasMessageContaining("input 1 is about");
  }
}
