package cohort.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.coordinator.ClientRequests;
import cohort.coordinator.ClientRequests.AddInputs;
import cohort.coordinator.ClientRequests.InputsReply;
import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobSpec;
import cohort.protocol.TaskSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobTest {

  /** Names a job and registers it at once, as a coordinator does once its acceptance is kept. */
  private static Job accept(
      JobRegistry jobs, JobSpec spec, InputSource inputs, long window, Instant now) {
    Job job = jobs.prepare(spec, inputs, window, now);
    jobs.register(job);
    return job;
  }

  private static ActorTestKit testKit;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

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

  private static List<JsonNode> inputs(int n) {
    return Collections.nCopies(n, LongNode.valueOf(1));
  }

  /**
   * Tests that uploads get in while the job has room, wait in order while it has none, and are let
   * in oldest first once it has room again; a job that ends refuses those still waiting.
   */
  @Test
  void streamedInputsWaitInOrderForRoom(@TempDir Path dir) {
    JobRegistry jobs = new JobRegistry(dir, 2);
    Job job =
        accept(jobs, JobSpec.of(new TaskSpec("echo", Map.of())), InputSource.streamed(), 1000, T0);
    TestProbe<InputsReply> replies = testKit.createTestProbe();
    assertThat(job.offer(new AddInputs(job.id(), inputs(5), replies.ref()), 8, T0)).isTrue();
    assertThat(replies.receiveMessage()).isEqualTo(new ClientRequests.InputsAccepted(5));
    assertThat(job.offer(new AddInputs(job.id(), inputs(4), replies.ref()), 8, T0)).isTrue();
    replies.receiveMessage();
    // 9 unsent: over the limit of 8, so the next uploads wait, in order.
    assertThat(job.offer(new AddInputs(job.id(), inputs(1), replies.ref()), 8, T0)).isFalse();
    assertThat(job.offer(new AddInputs(job.id(), inputs(2), replies.ref()), 8, T0)).isFalse();
    replies.expectNoMessage(java.time.Duration.ofMillis(50));
    assertThat(job.admitWaiting(20, T0)).isTrue();
    assertThat(replies.receiveMessage()).isEqualTo(new ClientRequests.InputsAccepted(10));
    assertThat(replies.receiveMessage()).isEqualTo(new ClientRequests.InputsAccepted(12));

    assertThat(job.offer(new AddInputs(job.id(), inputs(1), replies.ref()), 0, T0)).isFalse();
    job.apply(new JobEvent.Cancelled("test"), T0);
    jobs.ended(job, T0);
    assertThat(((ClientRequests.Refused) replies.receiveMessage()).error())
        .endsWith("is CANCELLED; it takes no more inputs");
  }

  /** Tests that waiters hear released results and the end, then are let go. */
  @Test
  void waitersHearResultsAndTheEnd(@TempDir Path dir) {
    JobRegistry jobs = new JobRegistry(dir, 2);
    Job job =
        accept(jobs, JobSpec.of(new TaskSpec("echo", Map.of())), InputSource.range(0, 1), 10, T0);
    TestProbe<JobWaiter.Command> waiter = testKit.createTestProbe();
    job.addWaiter(waiter.ref());
    assertThat(job.apply(new JobEvent.Cancelled("test"), T0)).isTrue();
    assertThat(waiter.receiveMessage()).isInstanceOf(JobWaiter.Ended.class);
    assertThat(job.apply(new JobEvent.Cancelled("again"), T0)).isFalse();
    waiter.expectNoMessage(java.time.Duration.ofMillis(50));
  }
}
