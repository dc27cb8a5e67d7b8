package cohort.coordinator.job;

import cohort.api.JobStatus;
import cohort.api.JobStatus.State;
import cohort.api.Result;
import cohort.api.TaskError;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Cancelled;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.coordinator.job.JobEvent.InputsAdded;
import cohort.coordinator.job.JobEvent.InputsClosed;
import cohort.coordinator.job.JobEvent.NodeLost;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import com.fasterxml.jackson.databind.JsonNode;
import io.vavr.collection.TreeMap;
import io.vavr.collection.Vector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The progress of one job: an immutable value changed only by {@link JobEvent}s through {@link
 * #updated}, so it can be tested without actors and journaled as it is.
 *
 * <p>It tracks which inputs have gone out (in batches, by node), which results are in, and which
 * results are ready to hand to the client. Every input gets exactly one result: a result for a
 * batch no longer in flight is a duplicate and changes nothing. For ordered jobs, results wait in a
 * reorder buffer until every earlier input has one; dispatch may run at most {@code window} inputs
 * ahead of the first input without a result, which bounds that buffer.
 *
 * <p>Failures follow the job's spec: an input whose task threw runs again up to {@code retries}
 * times; one that timed out, or whose node was lost while it ran, runs again on another node up to
 * {@code maxAttempts} runs in all, then gets an error result (for a lost node: quarantined, as it
 * may crash every JVM it runs in). Inputs that run again travel alone, with their own counts.
 *
 * <p>{@link #released()} holds the results the last event made ready, in delivery order, in blocks
 * of contiguous inputs.
 */
public final class JobState {

  /**
   * A batch out on a node, and how many of its results have come back.
   *
   * @param node the node's id
   * @param address the node's {@code host:port}
   * @param received results in so far
   * @param sequence its place in the order the coordinator sent batches, across jobs
   */
  public record InFlight(Batch batch, String node, String address, int received, long sequence) {}

  private final String id;
  private final JobSpec spec;
  private final long window;
  private final Instant submittedAt;
  private final Instant finishedAt;
  private final State phase;
  private final long available;
  private final boolean inputsOpen;
  private final long nextFresh;
  private final long nextBatchId;
  private final Vector<Batch> ready;
  private final io.vavr.collection.HashMap<Long, InFlight> inFlight;
  private final long inFlightInputs;
  private final TreeMap<Long, ResultBlock> reorder;
  private final long delivered;
  private final long succeeded;
  private final long failed;
  private final long retried;
  private final JsonNode combined;
  private final String combineError;
  private final double meanTaskNanos;
  private final String message;
  private final List<ResultBlock> released;

  private JobState(Draft d) {
    this.id = d.id;
    this.spec = d.spec;
    this.window = d.window;
    this.submittedAt = d.submittedAt;
    this.finishedAt = d.finishedAt;
    this.phase = d.phase;
    this.available = d.available;
    this.inputsOpen = d.inputsOpen;
    this.nextFresh = d.nextFresh;
    this.nextBatchId = d.nextBatchId;
    this.ready = d.ready;
    this.inFlight = d.inFlight;
    this.inFlightInputs = d.inFlightInputs;
    this.reorder = d.reorder;
    this.delivered = d.delivered;
    this.succeeded = d.succeeded;
    this.failed = d.failed;
    this.retried = d.retried;
    this.combined = d.combined;
    this.combineError = d.combineError;
    this.meanTaskNanos = d.meanTaskNanos;
    this.message = d.message;
    this.released = List.copyOf(d.released);
    check();
  }

  /**
   * A job just accepted, with all of its {@code total} inputs known.
   *
   * @param window how far an ordered job's dispatch may run ahead of its first missing result
   */
  public static JobState accepted(String id, JobSpec spec, long total, long window, Instant now) {
    if (total < 0) {
      throw new IllegalArgumentException("total " + total + " is negative");
    }
    Draft d = pending(id, spec, window, now);
    d.available = total;
    d.finishIfDone(now);
    return new JobState(d);
  }

  /**
   * A job just accepted whose inputs will stream in: none are known yet; {@link InputsAdded} brings
   * them and {@link InputsClosed} ends them.
   */
  public static JobState streamed(String id, JobSpec spec, long window, Instant now) {
    Draft d = pending(id, spec, window, now);
    d.inputsOpen = true;
    return new JobState(d);
  }

  /** The draft of a job just accepted, with no inputs known yet. */
  private static Draft pending(String id, JobSpec spec, long window, Instant now) {
    if (window < 1) {
      throw new IllegalArgumentException("window " + window + " must be at least 1");
    }
    Draft d = new Draft();
    d.id = id;
    d.spec = spec;
    d.window = window;
    d.submittedAt = now;
    d.phase = State.PENDING;
    return d;
  }

  /**
   * Returns the state after {@code event}; an event that changes nothing returns an equal state.
   */
  public JobState updated(JobEvent event, Instant now) {
    Draft d = new Draft(this);
    if (event instanceof Dispatched e) {
      d.dispatched(e);
    } else if (event instanceof BatchCompleted e) {
      d.completed(e);
    } else if (event instanceof NodeLost e) {
      d.nodeLost(e);
    } else if (event instanceof Cancelled e) {
      d.cancelled(e);
    } else if (event instanceof InputsAdded e) {
      d.inputsAdded(e);
    } else if (event instanceof InputsClosed) {
      d.inputsOpen = false;
    } else {
      throw new IllegalArgumentException("unknown event " + event);
    }
    d.finishIfDone(now);
    return new JobState(d);
  }

  // ---- queries ------------------------------------------------------------------------------

  public String id() {
    return id;
  }

  public JobSpec spec() {
    return spec;
  }

  public State phase() {
    return phase;
  }

  public boolean terminal() {
    return phase.terminal();
  }

  /** Results the last event made ready for the client, in delivery order. */
  public List<ResultBlock> released() {
    return released;
  }

  /** The released results one object each: for tests and small jobs. */
  public List<Result> releasedResults() {
    List<Result> results = new ArrayList<>();
    released.forEach(block -> results.addAll(block.results()));
    return results;
  }

  /** Batches out on nodes now, in the order they were sent. */
  public List<InFlight> inFlight() {
    List<InFlight> list = new ArrayList<>(inFlight.size());
    inFlight.values().forEach(list::add);
    list.sort(java.util.Comparator.comparingLong(InFlight::sequence));
    return list;
  }

  /** Whether any batch of this job is out on the node with this id. */
  public boolean holdsWorkOn(String node) {
    for (InFlight flight : inFlight.values()) {
      if (flight.node().equals(node)) {
        return true;
      }
    }
    return false;
  }

  /** Batches waiting to run again, first to go first. */
  public List<Batch> ready() {
    return ready.asJava();
  }

  /** Index of the first input never sent yet. */
  public long nextFresh() {
    return nextFresh;
  }

  /** The id the next new batch gets. */
  public long nextBatchId() {
    return nextBatchId;
  }

  /** Inputs known so far. */
  public long available() {
    return available;
  }

  /** Whether more inputs may still stream in. */
  public boolean inputsOpen() {
    return inputsOpen;
  }

  /** Inputs known but not sent yet: what a streamed job holds in its buffer. */
  public long buffered() {
    return available - nextFresh;
  }

  /**
   * Whether a streamed job may take more inputs: its buffer is below {@code bufferLimit} and, for
   * an ordered job, its window ahead of the first missing result has room.
   */
  public boolean admitsInputs(long bufferLimit) {
    if (!inputsOpen || terminal()) {
      return false;
    }
    return buffered() < bufferLimit && (!spec.ordered() || available < delivered + window);
  }

  /** How many results have been handed out for delivery. */
  public long delivered() {
    return delivered;
  }

  public long succeeded() {
    return succeeded;
  }

  public long failed() {
    return failed;
  }

  /** The combined value of the outputs so far, or null without a combiner. */
  public JsonNode combined() {
    return spec.combiner() == null || combineError != null
        ? null
        : spec.combiner().result(combined);
  }

  /** Mean time one input took on a node, or a negative number before any was measured. */
  public double meanTaskNanos() {
    return meanTaskNanos;
  }

  /** Whether this job has anything to send now: a batch to run again, or fresh inputs. */
  public boolean hasWork() {
    return !terminal() && (!ready.isEmpty() || admissible() > 0);
  }

  /**
   * How many fresh inputs may be sent now: those known and, for ordered jobs, within the window
   * ahead of the first input still waiting for its result.
   */
  public long admissible() {
    if (terminal()) {
      return 0;
    }
    long limit = available;
    if (spec.ordered()) {
      limit = Math.min(limit, delivered + window);
    }
    return Math.max(0, limit - nextFresh);
  }

  /** Fresh inputs not sent yet, whatever the window allows now. */
  public long remainingFresh() {
    return available - nextFresh;
  }

  /** The job as the API shows it, with elapsed time measured up to {@code now}. */
  public JobStatus status(Instant now) {
    long running = inFlightInputs;
    long pending = available - succeeded - failed - running;
    if (terminal()) {
      running = 0;
      pending = 0;
    }
    Instant end = finishedAt == null ? now : finishedAt;
    return new JobStatus(
        id,
        spec.task().name(),
        phase,
        spec.ordered(),
        spec.combiner() == null ? null : spec.combiner().label(),
        available,
        succeeded,
        failed,
        running,
        pending,
        retried,
        combined(),
        combineError,
        submittedAt.toString(),
        Duration.between(submittedAt, end).toMillis(),
        message,
        inputsOpen);
  }

  private void check() {
    if (delivered != succeeded + failed) {
      throw new IllegalStateException(
          "job " + id + ": delivered " + delivered + " != " + succeeded + " + " + failed);
    }
    if (nextFresh > available || delivered > available) {
      throw new IllegalStateException("job " + id + ": counts beyond " + available + " inputs");
    }
    if (terminal() && !inFlight.isEmpty()) {
      throw new IllegalStateException("job " + id + " is " + phase + " with batches in flight");
    }
  }

  /** The mutable working copy one event is applied to; never escapes {@link JobState}. */
  private static final class Draft {
    String id;
    JobSpec spec;
    long window;
    Instant submittedAt;
    Instant finishedAt;
    State phase;
    long available;
    boolean inputsOpen;
    long nextFresh;
    long nextBatchId;
    Vector<Batch> ready = Vector.empty();
    // A hash trie: every dispatch adds a batch and every last result removes one.
    io.vavr.collection.HashMap<Long, InFlight> inFlight = io.vavr.collection.HashMap.empty();
    long inFlightInputs;
    TreeMap<Long, ResultBlock> reorder = TreeMap.empty();
    long delivered;
    long succeeded;
    long failed;
    long retried;
    JsonNode combined;
    String combineError;
    double meanTaskNanos = -1;
    String message;
    List<ResultBlock> released = new ArrayList<>();

    Draft() {}

    Draft(JobState s) {
      id = s.id;
      spec = s.spec;
      window = s.window;
      submittedAt = s.submittedAt;
      finishedAt = s.finishedAt;
      phase = s.phase;
      available = s.available;
      inputsOpen = s.inputsOpen;
      nextFresh = s.nextFresh;
      nextBatchId = s.nextBatchId;
      ready = s.ready;
      inFlight = s.inFlight;
      inFlightInputs = s.inFlightInputs;
      reorder = s.reorder;
      delivered = s.delivered;
      succeeded = s.succeeded;
      failed = s.failed;
      retried = s.retried;
      combined = s.combined;
      combineError = s.combineError;
      meanTaskNanos = s.meanTaskNanos;
      message = s.message;
    }

    void dispatched(Dispatched e) {
      if (phase.terminal()) {
        throw new IllegalStateException("job " + id + " is " + phase + ": nothing may be sent");
      }
      Batch batch = e.batch();
      int waiting = indexInReady(batch);
      if (waiting >= 0) {
        ready = ready.removeAt(waiting);
      } else if (batch.firstIndex() == nextFresh
          && batch.id() == nextBatchId
          && batch.attempt() == 1) {
        long admissible = Math.min(available, spec.ordered() ? delivered + window : available);
        if (nextFresh + batch.size() > admissible) {
          throw new IllegalStateException(
              "job " + id + ": batch " + batch.id() + " goes beyond the admissible inputs");
        }
        nextFresh += batch.size();
        nextBatchId++;
      } else {
        throw new IllegalStateException(
            "job "
                + id
                + ": batch "
                + batch.id()
                + " at "
                + batch.firstIndex()
                + " is neither the next fresh batch nor one waiting to run again");
      }
      inFlight =
          inFlight.put(batch.id(), new InFlight(batch, e.node(), e.address(), 0, e.sequence()));
      inFlightInputs += batch.size();
      if (phase == State.PENDING) {
        phase = State.RUNNING;
      }
    }

    private int indexInReady(Batch batch) {
      for (int i = 0; i < ready.size(); i++) {
        if (ready.get(i).id() == batch.id()) {
          if (!ready.get(i).equals(batch)) {
            throw new IllegalStateException("job " + id + ": batch " + batch.id() + " was altered");
          }
          return i;
        }
      }
      return -1;
    }

    void completed(BatchCompleted e) {
      InFlight flight = inFlight.get(e.batchId()).getOrNull();
      if (flight == null || e.fromOffset() != flight.received()) {
        return; // a duplicate: the batch or this part of it already has its results
      }
      Batch batch = flight.batch();
      int count = e.outputs().size();
      int from = e.fromOffset();
      if (from + count > batch.size()) {
        throw new IllegalArgumentException(
            "job "
                + id
                + ": batch "
                + batch.id()
                + " has "
                + batch.size()
                + " inputs, a part reports "
                + (from + count));
      }
      List<ResultBlock> blocks = new ArrayList<>(1);
      Map<Integer, InputFailure> failures = Map.of();
      if (e.failures().isEmpty()) {
        if (count > 0) {
          blocks.add(
              new ResultBlock(
                  batch.firstIndex() + from,
                  batch.inputs().subList(from, from + count),
                  e.outputs(),
                  Map.of()));
        }
      } else {
        failures = new HashMap<>();
        for (InputFailure failure : e.failures()) {
          failures.put(failure.offset(), failure);
        }
        collect(flight, from, e.outputs(), failures, blocks);
      }
      int received = from + count;
      inFlightInputs -= count;
      if (e.last()) {
        inFlight = inFlight.remove(batch.id());
        inFlightInputs -= batch.size() - received;
        // Inputs the last part leaves without output: failed ones per their failure, the others
        // did not run (the node stopped early) and run again, contiguous ones together.
        int runStart = -1;
        for (int offset = received; offset <= batch.size(); offset++) {
          InputFailure failure = offset < batch.size() ? failures.get(offset) : null;
          boolean rerun = offset < batch.size() && failure == null;
          if (rerun && runStart < 0) {
            runStart = offset;
          }
          if (!rerun && runStart >= 0) {
            rerun(batch, runStart, offset);
            runStart = -1;
          }
          if (failure != null) {
            failedInput(flight, offset, failure, blocks);
          }
        }
      } else {
        inFlight =
            inFlight.put(
                batch.id(),
                new InFlight(batch, flight.node(), flight.address(), received, flight.sequence()));
      }
      if (count > 0 && e.busyNanos() > 0) {
        double sample = (double) e.busyNanos() / count;
        meanTaskNanos = meanTaskNanos < 0 ? sample : 0.7 * meanTaskNanos + 0.3 * sample;
      }
      deliver(blocks);
    }

    /**
     * Turns a part with failures into blocks: runs of final results, with holes where inputs run
     * again.
     */
    private void collect(
        InFlight flight,
        int from,
        List<JsonNode> outputs,
        Map<Integer, InputFailure> failures,
        List<ResultBlock> blocks) {
      Batch batch = flight.batch();
      int runStart = from;
      Map<Integer, TaskError> errors = new HashMap<>();
      for (int offset = from; offset <= from + outputs.size(); offset++) {
        boolean end = offset == from + outputs.size();
        InputFailure failure = end ? null : failures.get(offset);
        List<ResultBlock> single = new ArrayList<>(1);
        if (failure != null) {
          failedInput(flight, offset, failure, single);
        }
        boolean hole = failure != null && single.isEmpty();
        if (end || hole) {
          if (offset > runStart) {
            blocks.add(
                new ResultBlock(
                    batch.firstIndex() + runStart,
                    batch.inputs().subList(runStart, offset),
                    outputs.subList(runStart - from, offset - from),
                    errors));
          }
          runStart = offset + 1;
          errors = new HashMap<>();
        } else if (failure != null) {
          errors.put(offset - runStart, single.get(0).errors().get(0));
        }
      }
    }

    /**
     * Decides what becomes of one failed input: its final error result (added to {@code blocks}),
     * or another run.
     */
    private void failedInput(
        InFlight flight, int offset, InputFailure failure, List<ResultBlock> blocks) {
      Batch batch = flight.batch();
      long index = batch.firstIndex() + offset;
      JsonNode input = batch.inputs().get(offset);
      TaskError error = failure.error();
      FailureKind kind = failure.kind();
      if (kind == FailureKind.TASK && batch.taskFailures() < spec.retries()) {
        runAlone(
            batch,
            offset,
            batch.taskFailures() + 1,
            batch.systemFailures(),
            batch.failedOn(),
            error);
        return;
      }
      if (kind.system()) {
        Set<String> failedOn = with(batch.failedOn(), flight.address());
        if (batch.systemFailures() + 1 < spec.maxAttempts()) {
          runAlone(
              batch, offset, batch.taskFailures(), batch.systemFailures() + 1, failedOn, error);
          return;
        }
        if (kind == FailureKind.CRASH) {
          error = quarantined(batch, failedOn, error);
        } else {
          error =
              new TaskError(
                  error.type(),
                  error.message()
                      + "; gave up after "
                      + batch.attempt()
                      + " runs (max-attempts "
                      + spec.maxAttempts()
                      + ")",
                  error.node(),
                  batch.attempt(),
                  error.trace());
        }
      }
      blocks.add(ResultBlock.failed(index, input, error.withAttempts(batch.attempt())));
    }

    void nodeLost(NodeLost e) {
      List<ResultBlock> results = new ArrayList<>();
      for (InFlight flight : inFlight.values().sortBy(InFlight::sequence)) {
        if (!flight.node().equals(e.node())) {
          continue;
        }
        Batch batch = flight.batch();
        inFlight = inFlight.remove(batch.id());
        inFlightInputs -= batch.size() - flight.received();
        if (!e.running().contains(batch.id())) {
          rerun(batch, flight.received(), batch.size());
          continue;
        }
        TaskError lost =
            new TaskError(
                "cohort.NodeLost",
                "node " + flight.address() + " was lost while it held the input: " + e.reason(),
                flight.address(),
                batch.attempt(),
                null);
        for (int offset = flight.received(); offset < batch.size(); offset++) {
          failedInput(flight, offset, new InputFailure(offset, FailureKind.CRASH, lost), results);
        }
      }
      deliver(results);
    }

    void inputsAdded(InputsAdded e) {
      if (!inputsOpen) {
        throw new IllegalStateException("job " + id + " takes no more inputs");
      }
      if (e.count() < 0) {
        throw new IllegalArgumentException("cannot add " + e.count() + " inputs");
      }
      if (!phase.terminal()) {
        available += e.count();
      }
    }

    void cancelled(Cancelled e) {
      if (phase.terminal()) {
        return;
      }
      phase = State.CANCELLED;
      message = e.reason();
      inputsOpen = false;
      inFlight = io.vavr.collection.HashMap.empty();
      inFlightInputs = 0;
      ready = Vector.empty();
      // Results that completed stay readable, even those still waiting for earlier inputs.
      for (ResultBlock block : reorder.values()) {
        release(block);
      }
      reorder = TreeMap.empty();
    }

    private TaskError quarantined(Batch batch, Set<String> failedOn, TaskError last) {
      return new TaskError(
          "cohort.Quarantined",
          "quarantined after its node went down on each of its "
              + batch.attempt()
              + " runs (max-attempts "
              + spec.maxAttempts()
              + "), on "
              + String.join(", ", new TreeSet<>(failedOn))
              + "; the task may crash its JVM for this input (System.exit, Runtime.halt, out of"
              + " memory). Last: "
              + last.message(),
          last.node(),
          batch.attempt(),
          last.trace());
    }

    /** Puts one input of {@code batch} back in the queue, alone, with its updated history. */
    private void runAlone(
        Batch batch,
        int offset,
        int taskFailures,
        int systemFailures,
        Set<String> failedOn,
        TaskError error) {
      ready =
          ready.append(
              new Batch(
                  nextBatchId++,
                  batch.firstIndex() + offset,
                  List.of(batch.inputs().get(offset)),
                  batch.attempt() + 1,
                  taskFailures,
                  systemFailures,
                  failedOn,
                  error));
      retried++;
    }

    /**
     * Puts inputs {@code [from, to)} of a batch back in the queue; they did not fail, only stopped.
     */
    private void rerun(Batch batch, int from, int to) {
      ready =
          ready.append(
              new Batch(
                  nextBatchId++,
                  batch.firstIndex() + from,
                  batch.inputs().subList(from, to),
                  batch.attempt() + 1,
                  batch.taskFailures(),
                  batch.systemFailures(),
                  batch.failedOn(),
                  batch.lastError()));
      retried += to - from;
    }

    private static Set<String> with(Set<String> set, String element) {
      Set<String> copy = new HashSet<>(set);
      copy.add(element);
      return copy;
    }

    /** Hands out results: unordered at once, ordered once every earlier input has its result. */
    private void deliver(List<ResultBlock> blocks) {
      if (blocks.isEmpty()) {
        return;
      }
      if (!spec.ordered() || phase.terminal()) {
        blocks.forEach(this::release);
        return;
      }
      for (ResultBlock block : blocks) {
        reorder = reorder.put(block.firstIndex(), block);
      }
      while (!reorder.isEmpty() && reorder.head()._1() == delivered) {
        ResultBlock block = reorder.head()._2();
        reorder = reorder.tail();
        release(block);
      }
    }

    private void release(ResultBlock block) {
      int failures = block.errors().size();
      succeeded += block.size() - failures;
      failed += failures;
      if (spec.combiner() != null && combineError == null) {
        for (int offset = 0; offset < block.size(); offset++) {
          if (block.succeeded(offset)) {
            combine(block.outputs().get(offset));
          }
        }
      }
      delivered += block.size();
      released.add(block);
    }

    private void combine(JsonNode output) {
      if (spec.combiner() == null || combineError != null) {
        return;
      }
      try {
        combined = spec.combiner().add(combined, output);
      } catch (RuntimeException e) {
        combineError = e.getMessage();
        combined = null;
      }
    }

    void finishIfDone(Instant now) {
      if (phase.terminal()) {
        if (finishedAt == null) {
          finishedAt = now;
        }
        return;
      }
      if (inputsOpen || delivered < available) {
        return;
      }
      if (failed > 0 || combineError != null) {
        phase = State.FAILED;
        message =
            failed > 0
                ? failed + " of " + available + " inputs failed"
                : "the outputs could not be combined: " + combineError;
      } else {
        phase = State.SUCCEEDED;
      }
      finishedAt = now;
    }
  }
}
