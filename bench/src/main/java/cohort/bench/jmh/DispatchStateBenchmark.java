package cohort.bench.jmh;

import cohort.api.TaskInfo;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.Batch;
import cohort.coordinator.job.Batching;
import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.Phase;
import cohort.coordinator.job.ResultBlock;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.RunBatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The coordinator's bookkeeping for one job, from the first batch sent to the last result released:
 * what every input costs the coordinator actor before any byte goes on the wire.
 *
 * <p>One invocation runs a whole job of {@value #INPUTS} integer inputs in batches of {@code
 * batchSize}, keeping {@value #IN_FLIGHT} batches out at once (four nodes of two slots with three
 * queued batches per slot) and completing the oldest batch first, as nodes that keep pace do. Each
 * completion releases its results, which are consumed as the coordinator hands them to its result
 * writer. <b>Scores are nanoseconds per input</b> ({@code @OperationsPerInvocation(INPUTS)}): a
 * batch costs the score times its size.
 *
 * <p>Two variants:
 *
 * <ul>
 *   <li>{@link #jobState}: only {@link JobState#updated} with {@code Dispatched} and {@code
 *       BatchCompleted} events built beforehand: the cost of the immutable job state itself.
 *   <li>{@link #coordinatorPath}: what the coordinator does per batch around it: {@link
 *       Batching#next} cuts the batch from an {@link InputSource#range}, the {@link NodeTable}
 *       takes and returns the node's credit, the {@link RunBatch} is built, the clock is read for
 *       every event.
 * </ul>
 *
 * <p>Ordered jobs send each completed block through the reorder buffer even when it arrives in
 * order; unordered ones release it at once, so {@code ordered=true} minus {@code ordered=false} is
 * the buffer's price for in-order arrival ({@link ReorderBenchmark} covers arrival out of order).
 *
 * <p>Why it matters: the coordinator is one actor for the whole cluster. For tiny tasks (the case
 * Cohort batches for) its per-input cost here bounds the cluster's throughput whatever the number
 * of nodes: at {@code x} ns per input one coordinator sustains at most {@code 1e9/x} inputs per
 * second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DispatchStateBenchmark {

  /** Inputs in the job; every invocation runs the whole job. */
  static final int INPUTS = 100_000;

  /** Batches out on nodes at once. */
  static final int IN_FLIGHT = 32;

  /** Nodes the batches go to in turn. */
  static final int NODES = 4;

  /** Slots per node; with {@link #PREFETCH} queued batches per slot: {@code IN_FLIGHT / NODES}. */
  static final int SLOTS = 2;

  static final int PREFETCH = 3;

  static final String JOB_ID = "k7q-1";

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Param({"1", "64", "1024"})
  public int batchSize;

  @Param({"true", "false"})
  public boolean ordered;

  private JobSpec spec;

  /** The job's events, in the order {@link #jobState} applies them, built once. */
  private Dispatched[] dispatches;

  private BatchCompleted[] completions;

  /** Outputs of every input (input times ten), as nodes would report them. */
  private List<JsonNode> outputs;

  private ActorSystem<Void> system;
  private ActorRef<CoordinatorProtocol.Command> coordinator;
  private NodeTable nodes;
  private String[] nodeIds;
  private String[] addresses;
  private Set<String> candidates;
  private Batching batching;
  private InputSource source;

  @Setup(Level.Trial)
  public void setUp() {
    spec =
        new JobSpec(new TaskSpec("echo", Map.of()), ordered, null, batchSize, 0, 3, Duration.ZERO);
    List<JsonNode> inputs = new ArrayList<>(INPUTS);
    List<JsonNode> outs = new ArrayList<>(INPUTS);
    for (long i = 0; i < INPUTS; i++) {
      inputs.add(LongNode.valueOf(i));
      outs.add(LongNode.valueOf(i * 10));
    }
    outputs = List.copyOf(outs);

    int batches = (INPUTS + batchSize - 1) / batchSize;
    dispatches = new Dispatched[batches];
    completions = new BatchCompleted[batches];
    for (int b = 0; b < batches; b++) {
      int from = b * batchSize;
      int to = Math.min(INPUTS, from + batchSize);
      Batch batch = Batch.fresh(b, from, inputs.subList(from, to));
      int node = b % NODES;
      dispatches[b] = new Dispatched(batch, "node-" + node, "127.0.0.1:" + (25521 + node));
      completions[b] = completed(batch.id(), outputs.subList(from, to));
    }

    system = BenchSystems.local();
    coordinator = BenchSystems.idle(system, "coordinator");
    TaskInfo echo =
        new TaskInfo("echo", "returns its input", "any JSON value", List.of(), null, null);
    NodeTable table = NodeTable.empty();
    nodeIds = new String[NODES];
    addresses = new String[NODES];
    for (int n = 0; n < NODES; n++) {
      ActorRef<WorkerProtocol.Command> worker = BenchSystems.idle(system, "worker-" + n);
      addresses[n] = "127.0.0.1:" + (25521 + n);
      nodeIds[n] = NodeTable.idOf(worker);
      table = table.registered(worker, addresses[n], SLOTS, PREFETCH, List.of(echo));
    }
    nodes = table;
    candidates = table.candidates("echo", cohort.api.labels.Requirement.NONE);
    batching = new Batching(Duration.ofMillis(20), 4096);
    source = InputSource.range(0, INPUTS);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    BenchSystems.stop(system);
  }

  private static BatchCompleted completed(long batchId, List<JsonNode> outputs) {
    return new BatchCompleted(
        batchId, 0, Values.of(outputs), List.of(), true, 1_000L * outputs.size());
  }

  /** Pure state transitions: dispatch, complete, release, with every event built beforehand. */
  @Benchmark
  @OperationsPerInvocation(INPUTS)
  public JobState jobState(Blackhole bh) {
    JobState state = JobState.accepted(JOB_ID, spec, INPUTS, INPUTS, T0);
    int batches = dispatches.length;
    int sent = 0;
    int done = 0;
    long released = 0;
    while (done < batches) {
      while (sent < batches && sent - done < IN_FLIGHT) {
        state = state.updated(dispatches[sent++], T0).state();
      }
      JobState.Transition step = state.updated(completions[done++], T0);
      state = step.state();
      released += consume(step, bh);
    }
    return verified(state, released, INPUTS);
  }

  /** The coordinator's per-batch steps around the state: sizing, credit, message, clock. */
  @Benchmark
  @OperationsPerInvocation(INPUTS)
  public JobState coordinatorPath(Blackhole bh) {
    JobState state = JobState.accepted(JOB_ID, spec, INPUTS, INPUTS, Instant.now());
    NodeTable table = nodes;
    Batch[] ring = new Batch[IN_FLIGHT];
    int[] ringNode = new int[IN_FLIGHT];
    long sent = 0;
    long done = 0;
    long released = 0;
    int slots = NODES * SLOTS;
    while (!state.terminal()) {
      while (sent - done < IN_FLIGHT && state.hasWork()) {
        int node = (int) (sent % NODES);
        Optional<Batch> next = batching.next(state, source, slots, addresses[node], candidates);
        if (next.isEmpty()) {
          break;
        }
        Batch batch = next.get();
        state =
            state
                .updated(new Dispatched(batch, nodeIds[node], addresses[node]), Instant.now())
                .state();
        source.releaseBefore(state.nextFresh());
        table = table.taken(nodeIds[node], key(batch.id()));
        bh.consume(
            new RunBatch(
                JOB_ID,
                batch.id(),
                spec.task(),
                batch.firstIndex(),
                Values.of(batch.inputs()),
                batch.attempt(),
                spec.taskTimeout().toMillis(),
                coordinator,
                false));
        int at = (int) (sent % IN_FLIGHT);
        ring[at] = batch;
        ringNode[at] = node;
        sent++;
      }
      int at = (int) (done % IN_FLIGHT);
      Batch batch = ring[at];
      ring[at] = null;
      done++;
      table = table.returned(nodeIds[ringNode[at]], key(batch.id()));
      int from = (int) batch.firstIndex();
      JobState.Transition step =
          state.updated(
              completed(batch.id(), outputs.subList(from, from + batch.size())), Instant.now());
      state = step.state();
      released += consume(step, bh);
    }
    bh.consume(table);
    return verified(state, released, INPUTS);
  }

  /** The node table's key of a batch, as the coordinator builds it. */
  private static BatchKey key(long batchId) {
    return new BatchKey(JOB_ID, batchId);
  }

  /** Hands the released blocks on, as the coordinator does; returns how many results they hold. */
  static long consume(JobState.Transition step, Blackhole bh) {
    long results = 0;
    for (ResultBlock block : step.released()) {
      results += block.size();
      bh.consume(block);
    }
    return results;
  }

  /** Fails the run if the job did not end with exactly one result per input. */
  static JobState verified(JobState state, long released, long inputs) {
    if (released != inputs || state.phase() != Phase.SUCCEEDED || state.delivered() != inputs) {
      throw new IllegalStateException(
          "job ended "
              + state.phase()
              + " with "
              + released
              + " results released, "
              + state.delivered()
              + " delivered; expected "
              + inputs);
    }
    return state;
  }
}
