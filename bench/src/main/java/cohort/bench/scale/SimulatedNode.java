package cohort.bench.scale;

import cohort.api.TaskInfo;
import cohort.protocol.Coalescing;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.BatchProgress;
import cohort.protocol.CoordinatorProtocol.BatchesReturned;
import cohort.protocol.CoordinatorProtocol.RegisterNode;
import cohort.protocol.CoordinatorProtocol.StartRequested;
import cohort.protocol.ValuesCodec;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.CancelJob;
import cohort.protocol.WorkerProtocol.CheckTask;
import cohort.protocol.WorkerProtocol.Registered;
import cohort.protocol.WorkerProtocol.RegistrationRefused;
import cohort.protocol.WorkerProtocol.ReturnQueued;
import cohort.protocol.WorkerProtocol.RunBatch;
import cohort.protocol.WorkerProtocol.RunBatches;
import cohort.protocol.WorkerProtocol.StartConfirmed;
import cohort.protocol.WorkerProtocol.TaskChecked;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A node as the coordinator sees it, without task code: an actor that speaks the worker's protocol
 * ({@link WorkerProtocol} in, {@link CoordinatorProtocol} out) with the real records, so the
 * coordinator runs its real registration, dispatch, credit and result paths against it.
 *
 * <p>It registers with {@link RegisterNode} when told to ({@link Register}), as a node's worker
 * does once it finds the coordinator, offering {@code echo} on its slots. Each batch it receives it
 * answers as a node whose task is {@code echo} does: its inputs back as outputs, encoded to CBOR as
 * a slot thread encodes them, reporting {@code busyNanos} as the task time the batch took, so the
 * coordinator sizes its pipeline as for batches of that length. Whole results of small batches
 * travel together in a {@link BatchProgress}, others alone, by the node's own rule ({@link
 * Coalescing}). Batches sent to run again ({@link RunBatch#confirmStart()}) ask before they run.
 *
 * <p>Three ways to answer: at once ({@code slotTime} zero), which makes the coordinator the only
 * bound; after {@code slotTime} on one of its slots, the rest queued, as a node whose batches take
 * that long; or never ({@link Hold}): it keeps nothing and answers nothing, so the coordinator's
 * pipelines fill and stay full while membership changes are timed.
 */
final class SimulatedNode extends AbstractBehavior<WorkerProtocol.Command> {

  /** Register with the coordinator now. */
  enum Register implements WorkerProtocol.Command {
    INSTANCE
  }

  /** From now on take batches and answer none of them. */
  enum Hold implements WorkerProtocol.Command {
    INSTANCE
  }

  /** Stop, as a node's JVM that ends: the coordinator sees its worker stop. */
  enum Stop implements WorkerProtocol.Command {
    INSTANCE
  }

  /** A batch has had its slot for the slot time. */
  private record SlotDone(RunBatch batch) implements WorkerProtocol.Command {}

  /** Starts not yet reported are due. */
  private enum FlushStarts implements WorkerProtocol.Command {
    INSTANCE
  }

  /**
   * How long a batch runs before its start is reported, unless its result comes first; the node's
   * own delay (cohort.node.Outbox.START_REPORT_DELAY).
   */
  static final Duration START_REPORT_DELAY = Duration.ofMillis(5);

  /** What every simulated node counts, summed over them; the bench reads it between phases. */
  static final class Counters {
    final LongAdder batches = new LongAdder();
    final LongAdder inputs = new LongAdder();
    final LongAdder batchMessages = new LongAdder();
    final LongAdder resultMessages = new LongAdder();
    final LongAdder registered = new LongAdder();
  }

  /** The task every simulated node offers. */
  static final TaskInfo ECHO =
      new TaskInfo("echo", "returns its input", "any JSON value", List.of(), null, null);

  private final ActorRef<CoordinatorProtocol.Command> coordinator;
  private final int slots;
  private final long busyNanos;
  private final Duration slotTime;
  private final Counters counters;
  private final ValuesCodec.Builder outputs = new ValuesCodec.Builder();
  private final List<BatchFinished> results = new ArrayList<>();
  private final List<BatchKey> started = new ArrayList<>();
  private final ArrayDeque<RunBatch> queued = new ArrayDeque<>();
  private final Map<BatchKey, RunBatch> awaitingStart = new HashMap<>();
  private final Set<String> cancelled = new HashSet<>();
  private final java.util.Random spread;
  private final ScheduledExecutorService clock;
  private ActorRef<CoordinatorProtocol.Command> replyTo;
  private int running;
  private boolean holding;
  private boolean startsDue;

  /**
   * @param slots the slots it registers
   * @param busyNanos the task time it reports per batch
   * @param slotTime how long a batch holds its slot, on average, before its results go back; zero:
   *     at once
   * @param clock times the slots and the start reports, on a thread of the nodes' own, so the
   *     coordinator's scheduler and its tick of 10 ms stay out of it
   */
  static Behavior<WorkerProtocol.Command> create(
      ActorRef<CoordinatorProtocol.Command> coordinator,
      int slots,
      long busyNanos,
      Duration slotTime,
      ScheduledExecutorService clock,
      Counters counters) {
    return Behaviors.setup(
        context ->
            new SimulatedNode(context, coordinator, slots, busyNanos, slotTime, clock, counters));
  }

  private SimulatedNode(
      ActorContext<WorkerProtocol.Command> context,
      ActorRef<CoordinatorProtocol.Command> coordinator,
      int slots,
      long busyNanos,
      Duration slotTime,
      ScheduledExecutorService clock,
      Counters counters) {
    super(context);
    this.clock = clock;
    this.coordinator = coordinator;
    this.replyTo = coordinator;
    this.slots = slots;
    this.busyNanos = busyNanos;
    this.slotTime = slotTime;
    this.counters = counters;
    this.spread = new java.util.Random(context.getSelf().path().name().hashCode());
  }

  @Override
  public Receive<WorkerProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Register.INSTANCE, this::onRegister)
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(RegistrationRefused.class, this::onRefused)
        .onMessage(CheckTask.class, this::onCheckTask)
        .onMessage(RunBatch.class, this::onRunBatch)
        .onMessage(RunBatches.class, this::onRunBatches)
        .onMessage(StartConfirmed.class, this::onStartConfirmed)
        .onMessage(SlotDone.class, this::onSlotDone)
        .onMessageEquals(FlushStarts.INSTANCE, this::onFlushStarts)
        .onMessage(ReturnQueued.class, this::onReturnQueued)
        .onMessage(CancelJob.class, this::onCancelJob)
        .onMessageEquals(Hold.INSTANCE, this::onHold)
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .build();
  }

  private Behavior<WorkerProtocol.Command> onRegister() {
    coordinator.tell(
        new RegisterNode(
            getContext().getSelf(),
            slots,
            List.of(ECHO),
            CoordinatorProtocol.VERSION,
            null,
            false));
    return this;
  }

  private Behavior<WorkerProtocol.Command> onRegistered(Registered registered) {
    counters.registered.increment();
    return this;
  }

  private Behavior<WorkerProtocol.Command> onRefused(RegistrationRefused refused) {
    throw new IllegalStateException("the coordinator refused a simulated node: " + refused);
  }

  /** Admission asks a node whether it can run the task: echo takes any input. */
  private Behavior<WorkerProtocol.Command> onCheckTask(CheckTask check) {
    check.replyTo().tell(new TaskChecked(null, null));
    return this;
  }

  private Behavior<WorkerProtocol.Command> onRunBatch(RunBatch batch) {
    counters.batchMessages.increment();
    accept(batch);
    flush();
    return this;
  }

  private Behavior<WorkerProtocol.Command> onRunBatches(RunBatches sent) {
    counters.batchMessages.increment();
    sent.batches().forEach(this::accept);
    flush();
    return this;
  }

  private void accept(RunBatch batch) {
    counters.batches.increment();
    counters.inputs.add(batch.inputs().size());
    replyTo = batch.replyTo();
    if (holding) {
      return; // kept by nobody: the coordinator's bookkeeping is all that holds it
    }
    if (cancelled.contains(batch.jobId())) {
      results.add(dropped(batch));
    } else if (batch.confirmStart()) {
      BatchKey key = new BatchKey(batch.jobId(), batch.batchId());
      awaitingStart.put(key, batch);
      batch.replyTo().tell(new StartRequested(getContext().getSelf(), key));
    } else {
      queue(batch);
    }
  }

  private void queue(RunBatch batch) {
    if (slotTime.isZero()) {
      results.add(ran(batch));
      return;
    }
    queued.addLast(batch);
    startQueued();
  }

  /**
   * Gives free slots the next queued batches. Each holds its slot between half and one and a half
   * times the slot time, so slots that started together drift apart, as real tasks' do.
   */
  private void startQueued() {
    while (running < slots && !queued.isEmpty()) {
      RunBatch batch = queued.pollFirst();
      running++;
      started.add(new BatchKey(batch.jobId(), batch.batchId()));
      long nanos = (long) (slotTime.toNanos() * (0.5 + spread.nextDouble()));
      after(nanos, new SlotDone(batch));
    }
    if (!started.isEmpty() && !startsDue) {
      startsDue = true;
      after(START_REPORT_DELAY.toNanos(), FlushStarts.INSTANCE);
    }
  }

  private void after(long nanos, WorkerProtocol.Command message) {
    ActorRef<WorkerProtocol.Command> self = getContext().getSelf();
    if (!clock.isShutdown()) { // it is once the run is over
      clock.schedule(() -> self.tell(message), nanos, TimeUnit.NANOSECONDS);
    }
  }

  private Behavior<WorkerProtocol.Command> onFlushStarts() {
    startsDue = false;
    if (!holding) {
      flush();
    }
    return this;
  }

  private Behavior<WorkerProtocol.Command> onSlotDone(SlotDone done) {
    running--;
    RunBatch batch = done.batch();
    results.add(cancelled.contains(batch.jobId()) ? dropped(batch) : ran(batch));
    startQueued();
    flush();
    return this;
  }

  private Behavior<WorkerProtocol.Command> onStartConfirmed(StartConfirmed answer) {
    RunBatch batch = awaitingStart.remove(answer.batch());
    if (batch != null && !holding) {
      if (answer.run()) {
        queue(batch);
      } else {
        results.add(dropped(batch));
      }
      flush();
    }
    return this;
  }

  /** Gives back what waits for a slot; the rest has started. */
  private Behavior<WorkerProtocol.Command> onReturnQueued(ReturnQueued asked) {
    Set<BatchKey> wanted = Set.copyOf(asked.batches());
    List<BatchKey> given = new ArrayList<>();
    queued.removeIf(
        batch -> {
          BatchKey key = new BatchKey(batch.jobId(), batch.batchId());
          boolean give = wanted.contains(key);
          if (give) {
            given.add(key);
          }
          return give;
        });
    asked.replyTo().tell(new BatchesReturned(getContext().getSelf(), given));
    return this;
  }

  private Behavior<WorkerProtocol.Command> onCancelJob(CancelJob cancel) {
    cancelled.add(cancel.jobId());
    queued.removeIf(
        batch -> {
          boolean drop = batch.jobId().equals(cancel.jobId());
          if (drop) {
            results.add(dropped(batch));
          }
          return drop;
        });
    flush();
    return this;
  }

  private Behavior<WorkerProtocol.Command> onHold() {
    holding = true;
    started.clear();
    queued.clear();
    awaitingStart.clear();
    return this;
  }

  /** The echo task's results: the inputs back, encoded as a slot thread encodes outputs. */
  private BatchFinished ran(RunBatch batch) {
    outputs.reset();
    for (JsonNode input : batch.inputs()) {
      outputs.add(input);
    }
    return new BatchFinished(
        batch.jobId(),
        batch.batchId(),
        0,
        outputs.build(),
        List.of(),
        true,
        busyNanos,
        getContext().getSelf());
  }

  /** A batch that did not run here: no results, and its credit back. */
  private BatchFinished dropped(RunBatch batch) {
    return new BatchFinished(
        batch.jobId(),
        batch.batchId(),
        0,
        cohort.protocol.Values.empty(),
        List.of(),
        true,
        0,
        getContext().getSelf());
  }

  /**
   * Sends what this turn produced as a node's outbox packs it: starts first, whole results of small
   * batches together, any other part alone in its place (cohort.node.Outbox#pack, whose rule this
   * repeats).
   */
  private void flush() {
    if (results.isEmpty() && started.isEmpty()) {
      return;
    }
    ActorRef<WorkerProtocol.Command> self = getContext().getSelf();
    List<BatchKey> starts = List.copyOf(started);
    started.clear();
    for (List<BatchFinished> group :
        Coalescing.groups(
            results, SimulatedNode::travelsTogether, part -> part.outputs().estimateBytes())) {
      BatchFinished first = group.get(0);
      boolean together = travelsTogether(first);
      if (!together && !starts.isEmpty()) {
        send(BatchProgress.of(self, List.of(), starts));
        starts = List.of();
      }
      if (group.size() == 1 && (!together || starts.isEmpty())) {
        send(first);
      } else {
        send(BatchProgress.of(self, group, starts));
        starts = List.of();
      }
    }
    if (!starts.isEmpty()) {
      send(BatchProgress.of(self, List.of(), starts));
    }
    results.clear();
  }

  private void send(CoordinatorProtocol.Command message) {
    counters.resultMessages.increment();
    replyTo.tell(message);
  }

  private static boolean travelsTogether(BatchFinished part) {
    return BatchProgress.fits(part) && Coalescing.small(part.outputs().size());
  }
}
