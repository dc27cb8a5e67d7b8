package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.JobStatus;
import cohort.pool.Cohort;
import cohort.pool.JobHandle;
import cohort.pool.Options;
import cohort.pool.Outcome;
import cohort.pool.Results;
import cohort.pool.TaskFailedException;
import cohort.task.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Cohort#local(int)}: a cluster inside the test's JVM, like {@code Pool(2)}, and the
 * guarantees the API keeps there: cancel, task timeouts, combining, and inputs that break off.
 */
class CohortLocalIT {

  @TempDir static Path work;

  private static Cohort cohort;

  @BeforeAll
  static void start() {
    cohort = Cohort.local(2);
  }

  @AfterAll
  static void stop() {
    if (cohort != null) {
      cohort.close();
    }
  }

  private static Task<String, ?, String> compiled(String pkg, String body) throws Exception {
    Path classes =
        TaskSources.compile(
            work,
            Map.of(
                pkg + ".Shipped", TaskSources.task(pkg, "Shipped", pkg.replace('.', '-'), body)));
    return TaskSources.load(classes, pkg + ".Shipped");
  }

  /** Tests that a typed task's outputs come back as its output type, and reduce sums exactly. */
  @Test
  @Timeout(120)
  void typedOutputsAndAnExactSum() throws Exception {
    Task<Long, ?, Long> square = new Square();
    List<Long> inputs = LongStream.range(0, 100).boxed().toList();
    assertThat(cohort.map(square, inputs))
        .containsExactlyElementsOf(inputs.stream().map(x -> x * x).toList());
    Number sum = cohort.reduce(square, inputs, "sum");
    assertThat(sum.longValue()).isEqualTo(LongStream.range(0, 100).map(x -> x * x).sum());
  }

  /** Tests that a job's handle shows its progress and cancels it on every slot. */
  @Test
  @Timeout(120)
  void aJobHandleCancels() throws Exception {
    Task<String, ?, String> slow = compiled("local.slow", "pause(200) + input");
    JobHandle<String> job =
        cohort.mapAsync(
            slow,
            IntStream.range(0, 200).mapToObj(Integer::toString).toList(),
            Options.defaults().batch(1));
    assertThat(job.progress().total()).isEqualTo(200);
    JobStatus cancelled = job.cancel();
    assertThat(cancelled.state()).isEqualTo(JobStatus.State.CANCELLED);
    assertThat(job.await(Duration.ofSeconds(30))).isTrue();
    assertThat(job.progress().done()).isLessThan(200);
    assertThatThrownBy(job::get)
        .isInstanceOf(java.util.concurrent.CancellationException.class)
        .hasMessageContaining("was cancelled");
  }

  /** Tests that a task that runs past its timeout fails with a timeout the caller can see. */
  @Test
  @Timeout(120)
  void aTaskTimeoutReachesTheCaller() throws Exception {
    Task<String, ?, String> stuck = compiled("local.stuck", "pause(60_000) + input");
    List<Outcome<String>> outcomes =
        cohort
            .mapAsync(
                stuck,
                List.of("a"),
                Options.defaults().taskTimeout(Duration.ofMillis(300)).maxAttempts(1))
            .outcomes();
    assertThat(outcomes).hasSize(1);
    assertThat(outcomes.get(0).ok()).isFalse();
    assertThat(outcomes.get(0).error().remoteMessage()).contains("300 ms");
  }

  /** Tests that inputs that break off end the results with why, and cancel the job. */
  @Test
  @Timeout(120)
  void brokenInputsEndTheResultsWithTheReason() throws Exception {
    Task<String, ?, String> same = compiled("local.same", "input");
    Iterator<String> inputs =
        new Iterator<>() {
          private int n;

          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public String next() {
            if (n == 50) {
              throw new NoSuchElementException("the source ran dry");
            }
            return Integer.toString(n++);
          }
        };
    try (Results<String> results = cohort.imap(same, inputs, Options.defaults())) {
      assertThatThrownBy(() -> results.forEachRemaining(output -> {}))
          .hasMessageContaining("stopped")
          .hasStackTraceContaining("the source ran dry");
    }
  }

  /** Tests that a failed input fails map with the remote exception, the others still computed. */
  @Test
  @Timeout(120)
  void mapRaisesTheFirstFailure() throws Exception {
    Task<String, ?, String> picky =
        compiled("local.picky", "input.startsWith(\"x\") ? Shipped.fail(input) : input");
    assertThatThrownBy(() -> cohort.map(picky, List.of("a", "x1", "b", "x2")))
        .isInstanceOf(TaskFailedException.class)
        .satisfies(e -> assertThat(((TaskFailedException) e).index()).isEqualTo(1));
  }

  /** A typed task of the test's own classes: squares a number. */
  public static final class Square implements Task<Long, cohort.task.NoParams, Long> {
    @Override
    public String name() {
      return "square";
    }

    @Override
    public String description() {
      return "squares a number";
    }

    @Override
    public Class<Long> inputType() {
      return Long.class;
    }

    @Override
    public Class<cohort.task.NoParams> paramsType() {
      return cohort.task.NoParams.class;
    }

    @Override
    public Long run(Long input, cohort.task.NoParams params, cohort.task.TaskContext context) {
      return input * input;
    }
  }
}
