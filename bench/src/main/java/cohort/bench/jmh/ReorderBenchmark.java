package cohort.bench.jmh;

import cohort.coordinator.job.Batch;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.JobState;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Result reordering in an ordered job: results of every batch arrive in some order and the job
 * state releases them in input order through its reorder buffer.
 *
 * <p>Every batch of a job of {@value #INPUTS} integer inputs is sent before the benchmark starts
 * (the dispatched {@link JobState} is immutable, so each invocation starts from the same value);
 * one invocation applies every batch's {@code BatchCompleted} in the order {@code arrival} says and
 * consumes what each releases. <b>Scores are nanoseconds per input</b>
 * ({@code @OperationsPerInvocation(INPUTS)}).
 *
 * <ul>
 *   <li>{@code IN_ORDER}: batch after batch, so every block leaves the buffer as soon as it enters:
 *       the baseline.
 *   <li>{@code LOCAL}: each batch late by up to {@value #DISPLACEMENT} places (seeded), as when
 *       several nodes finish their batches at slightly different speeds: the buffer holds a few
 *       dozen blocks.
 *   <li>{@code SHUFFLED}: a seeded random permutation of all batches, the worst case: the buffer
 *       grows towards every block of the job before the first input's result lets it drain.
 * </ul>
 *
 * <p>Why it matters: ordered is a job's default, and a slow or lost node holds back every later
 * result, which then waits in the buffer. Its cost per input, relative to {@code IN_ORDER}, is what
 * ordering adds to the coordinator's work when nodes finish out of order. All batches are in flight
 * at once here, so the in-flight map is as large as the job allows (the window equals the job),
 * larger than in {@link DispatchStateBenchmark}: compare arrivals with each other.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReorderBenchmark {

  /** Inputs in the job. */
  static final int INPUTS = 100_000;

  /** How many places a batch may arrive late with {@link Arrival#LOCAL}. */
  static final int DISPLACEMENT = 32;

  static final long SEED = 20260101L;

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** The order in which batch results reach the coordinator. */
  public enum Arrival {
    IN_ORDER,
    LOCAL,
    SHUFFLED
  }

  @Param({"1", "64", "1024"})
  public int batchSize;

  @Param({"IN_ORDER", "LOCAL", "SHUFFLED"})
  public Arrival arrival;

  /** The ordered job with every batch sent and no result in. */
  private JobState dispatched;

  /** The batches' results in arrival order. */
  private BatchCompleted[] arrivals;

  @Setup(Level.Trial)
  public void setUp() {
    JobSpec spec =
        new JobSpec(new TaskSpec("echo", Map.of()), true, null, batchSize, 0, 3, Duration.ZERO);
    JobState state = JobState.accepted("k7q-1", spec, INPUTS, INPUTS, T0);
    List<JsonNode> inputs = new ArrayList<>(INPUTS);
    List<JsonNode> outputs = new ArrayList<>(INPUTS);
    for (long i = 0; i < INPUTS; i++) {
      inputs.add(LongNode.valueOf(i));
      outputs.add(LongNode.valueOf(i * 10));
    }
    List<BatchCompleted> completions = new ArrayList<>();
    for (int from = 0, b = 0; from < INPUTS; from += batchSize, b++) {
      int to = Math.min(INPUTS, from + batchSize);
      Batch batch = Batch.fresh(b, from, inputs.subList(from, to));
      state =
          state
              .updated(new Dispatched(batch, "node-" + b % 4, "127.0.0.1:" + (25521 + b % 4)), T0)
              .state();
      completions.add(
          new BatchCompleted(
              b,
              0,
              Values.of(List.copyOf(outputs.subList(from, to))),
              List.of(),
              true,
              1_000L * (to - from)));
    }
    dispatched = state;
    arrivals = order(completions, arrival, new Random(SEED)).toArray(new BatchCompleted[0]);
  }

  private static List<BatchCompleted> order(
      List<BatchCompleted> inOrder, Arrival arrival, Random random) {
    List<BatchCompleted> list = new ArrayList<>(inOrder);
    switch (arrival) {
      case IN_ORDER:
        break;
      case LOCAL:
        {
          // Batch i arrives at i plus a random delay below DISPLACEMENT; ties keep their order.
          long[] due = new long[list.size()];
          for (int i = 0; i < due.length; i++) {
            due[i] = i + random.nextInt(DISPLACEMENT);
          }
          list.sort(Comparator.comparingLong(c -> due[(int) c.batchId()]));
          break;
        }
      case SHUFFLED:
        Collections.shuffle(list, random);
        break;
      default:
        throw new IllegalArgumentException("unknown arrival " + arrival);
    }
    return list;
  }

  /** Applies every batch's result in arrival order; each release is consumed. */
  @Benchmark
  @OperationsPerInvocation(INPUTS)
  public JobState release(Blackhole bh) {
    JobState state = dispatched;
    long released = 0;
    for (BatchCompleted completion : arrivals) {
      JobState.Transition step = state.updated(completion, T0);
      state = step.state();
      released += DispatchStateBenchmark.consume(step, bh);
    }
    return DispatchStateBenchmark.verified(state, released, INPUTS);
  }
}
