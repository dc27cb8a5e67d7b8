package cohort.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.Result;
import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.ResumePlan;
import cohort.protocol.TaskSpec;
import com.fasterxml.jackson.databind.node.IntNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRegistryTest {

  /** Names a job and registers it at once, as a coordinator does once its acceptance is kept. */
  private static Job accept(
      JobRegistry jobs, JobSpec spec, InputSource inputs, long window, Instant now) {
    Job job = jobs.prepare(spec, inputs, window, now);
    jobs.register(job);
    return job;
  }

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final JobSpec ECHO = JobSpec.of(new TaskSpec("echo", Map.of()));

  /** Tests that ids are unique, and finished jobs leave the running ones (a new generation). */
  @Test
  void namesJobsAndKeepsTheRunningOnes(@TempDir Path dir) {
    JobRegistry jobs = new JobRegistry(dir, 10);
    Job a = accept(jobs, ECHO, InputSource.range(0, 5), 100, T0);
    Job b = accept(jobs, ECHO, InputSource.range(0, 5), 100, T0);
    Job empty = accept(jobs, ECHO, InputSource.range(0, 0), 100, T0);
    assertThat(Set.of(a.id(), b.id(), empty.id())).hasSize(3);
    assertThat(a.id()).matches("[a-z0-9]{2,3}-1");
    assertThat(a.log().file()).isEqualTo(dir.resolve(a.id() + ".ndjson"));
    assertThat(jobs.active()).containsExactly(a, b); // a job with no inputs ends at once
    long generation = jobs.generation();
    a.apply(new JobEvent.Cancelled("test"), T0);
    assertThat(jobs.ended(a, T0)).isEmpty();
    assertThat(jobs.active()).containsExactly(b);
    assertThat(jobs.generation()).isNotEqualTo(generation);
    assertThat(jobs.all()).containsExactly(a, b, empty);
  }

  /** Tests that only the newest finished jobs are kept; the forgotten ones are handed back. */
  @Test
  void forgetsTheOldestFinishedJobs(@TempDir Path dir) {
    JobRegistry jobs = new JobRegistry(dir, 2);
    Set<String> forgotten = new HashSet<>();
    List<Job> all =
        List.of(
            accept(jobs, ECHO, InputSource.range(0, 1), 1, T0),
            accept(jobs, ECHO, InputSource.range(0, 1), 1, T0),
            accept(jobs, ECHO, InputSource.range(0, 1), 1, T0));
    for (Job job : all) {
      job.apply(new JobEvent.Cancelled("test"), T0);
      jobs.ended(job, T0).forEach(old -> forgotten.add(old.id()));
    }
    assertThat(forgotten).containsExactly(all.get(0).id());
    assertThat(jobs.get(all.get(0).id())).isEmpty();
    assertThat(jobs.get(all.get(2).id())).isPresent();
  }

  /** Tests the reasons a job refuses streamed inputs, and that an unknown id says so. */
  @Test
  void saysWhyInputsAreRefused(@TempDir Path dir) {
    JobRegistry jobs = new JobRegistry(dir, 2);
    Job listed = accept(jobs, ECHO, InputSource.range(0, 1), 1, T0);
    Job streamed = accept(jobs, ECHO, InputSource.streamed(), 1, T0);
    assertThat(jobs.inputsRefused("nope").orElseThrow().error())
        .isEqualTo("no job 'nope'; GET /jobs lists the jobs");
    assertThat(jobs.inputsRefused(listed.id()).orElseThrow().error())
        .contains("only a job created with");
    assertThat(jobs.inputsRefused(streamed.id())).isEmpty();
    streamed.apply(new JobEvent.InputsAdded(1), T0);
    streamed.apply(new JobEvent.InputsClosed(), T0);
    assertThat(jobs.inputsRefused(streamed.id()).orElseThrow().error()).contains("have ended");
  }

  /**
   * Tests that a finished job stays while a running job resumes it, beyond the retention, and is
   * forgotten once nothing resumes it: a restart reads its results again for the job that resumes
   * it.
   */
  @Test
  void keepsAJobWhileARunningJobResumesIt(@TempDir Path dir) {
    JobRegistry jobs = new JobRegistry(dir, 1);
    Job earlier = accept(jobs, ECHO, InputSource.range(0, 2), 1, T0);
    earlier.apply(new JobEvent.Cancelled("test"), T0);
    assertThat(jobs.ended(earlier, T0)).isEmpty();
    ResumePlan plan =
        ResumePlan.of(
            earlier.id(),
            2,
            List.of(Result.ok(0, IntNode.valueOf(0), IntNode.valueOf(0))).iterator());
    Job resuming = jobs.prepare(ECHO, InputSource.range(0, 2), 1, T0, plan, 1);
    jobs.register(resuming);
    Job other = accept(jobs, ECHO, InputSource.range(0, 1), 1, T0);
    other.apply(new JobEvent.Cancelled("test"), T0);
    assertThat(jobs.ended(other, T0)).as("earlier is resumed: kept").isEmpty();
    assertThat(jobs.get(earlier.id())).isPresent();

    resuming.apply(new JobEvent.Cancelled("test"), T0);
    assertThat(jobs.ended(resuming, T0))
        .extracting(Job::id)
        .containsExactly(earlier.id(), other.id());
  }
}
