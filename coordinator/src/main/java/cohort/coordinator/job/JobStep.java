package cohort.coordinator.job;

import cohort.api.TaskError;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Cancelled;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.coordinator.job.JobEvent.InputsAdded;
import cohort.coordinator.job.JobEvent.NodeLost;
import cohort.coordinator.job.JobEvent.Returned;
import cohort.coordinator.job.JobState.InFlight;
import cohort.protocol.CoordinatorProtocol.FailureKind;
import cohort.protocol.CoordinatorProtocol.InputFailure;
import cohort.protocol.Values;
import io.vavr.collection.HashMap;
import io.vavr.collection.Vector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How each {@link JobEvent} changes a job: one event applied to a fresh copy of a state's {@link
 * JobFields}, collecting the results it releases. Never escapes {@link JobState#updated}.
 */
final class JobStep {
  final JobFields f;
  final List<ResultBlock> released = new ArrayList<>();
  private final Instant now;

  JobStep(JobFields fields, Instant now) {
    this.f = fields;
    this.now = now;
  }

  void dispatched(Dispatched e) {
    if (f.phase.terminal()) {
      throw new IllegalStateException("job " + f.id + " is " + f.phase + ": nothing may be sent");
    }
    Batch batch = e.batch();
    int waiting = indexInReady(batch);
    if (waiting >= 0) {
      f.ready = f.ready.removeAt(waiting);
    } else if (batch.firstIndex() == f.nextFresh
        && batch.id() == f.nextBatchId
        && batch.attempt() == 1) {
      long window = f.spec.ordered() ? f.tally.delivered() + f.window : f.available;
      if (f.nextFresh + batch.size() > Math.min(f.available, window)) {
        throw new IllegalStateException(
            "job " + f.id + ": batch " + batch.id() + " goes beyond the admissible inputs");
      }
      f.nextFresh += batch.size();
      f.nextBatchId++;
    } else {
      throw new IllegalStateException(
          "job "
              + f.id
              + ": batch "
              + batch.id()
              + " at "
              + batch.firstIndex()
              + " is neither the next fresh batch nor one waiting to run again");
    }
    f.inFlight = f.inFlight.put(batch.id(), new InFlight(batch, e.node(), e.address(), 0, now));
    if (f.phase == Phase.PENDING) {
      f.phase = Phase.RUNNING;
    }
  }

  private int indexInReady(Batch batch) {
    for (int i = 0; i < f.ready.size(); i++) {
      if (f.ready.get(i).id() == batch.id()) {
        if (!f.ready.get(i).equals(batch)) {
          throw new IllegalStateException("job " + f.id + ": batch " + batch.id() + " was altered");
        }
        return i;
      }
    }
    return -1;
  }

  void completed(BatchCompleted e) {
    InFlight flight = f.inFlight.get(e.batchId()).getOrNull();
    if (flight == null || e.fromOffset() != flight.received()) {
      return; // a duplicate: the batch or this part of it already has its results
    }
    Batch batch = flight.batch();
    int from = e.fromOffset();
    int count = e.outputs().size();
    if (from + count > batch.size()) {
      throw new IllegalArgumentException(
          "job "
              + f.id
              + ": batch "
              + batch.id()
              + " has "
              + batch.size()
              + " inputs, a part reports "
              + (from + count));
    }
    Map<Integer, InputFailure> failures = new java.util.HashMap<>();
    e.failures().forEach(failure -> failures.put(failure.offset(), failure));
    List<ResultBlock> blocks = new ArrayList<>(1);
    Origin origin = origin(flight, count > 0 ? e.busyNanos() / count : 0);
    // The outputs become blocks of final results, cut where an input runs again. Only the failed
    // offsets are visited: a batch of thousands without failures is one block at once.
    int runStart = from;
    Map<Integer, TaskError> errors = Map.of();
    for (int offset : new java.util.TreeSet<>(failures.keySet()).subSet(from, from + count)) {
      TaskError error = failed(flight, offset, failures.get(offset));
      if (error != null) {
        errors = errors.isEmpty() ? new java.util.HashMap<>() : errors;
        errors.put(offset - runStart, error);
        continue;
      }
      block(
              batch,
              runStart,
              offset,
              e.outputs().subList(runStart - from, offset - from),
              errors,
              origin,
              e.counters())
          .ifPresent(blocks::add);
      runStart = offset + 1;
      errors = Map.of();
    }
    block(
            batch,
            runStart,
            from + count,
            e.outputs().subList(runStart - from, count),
            errors,
            origin,
            e.counters())
        .ifPresent(blocks::add);
    int received = from + count;
    if (e.last()) {
      f.inFlight = f.inFlight.remove(batch.id());
      // Inputs the last part leaves without output: failed ones as their failure decides, the
      // others did not run (the node stopped early) and run again, contiguous ones together.
      int unrun = -1;
      for (int offset = received; offset <= batch.size(); offset++) {
        InputFailure failure = offset < batch.size() ? failures.get(offset) : null;
        boolean rerun = offset < batch.size() && failure == null;
        if (rerun && unrun < 0) {
          unrun = offset;
        }
        if (!rerun && unrun >= 0) {
          rerun(batch, unrun, offset);
          unrun = -1;
        }
        if (failure != null) {
          TaskError error = failed(flight, offset, failure);
          if (error != null) {
            blocks.add(
                ResultBlock.failed(
                    batch.firstIndex() + offset,
                    batch.inputs().subList(offset, offset + 1),
                    error,
                    origin(flight, 0),
                    Counters.of(e.counters(), offset, offset + 1)));
          }
        }
      }
    } else {
      f.inFlight =
          f.inFlight.put(
              batch.id(),
              new InFlight(batch, flight.node(), flight.address(), received, flight.sentAt()));
    }
    if (count > 0 && e.busyNanos() > 0) {
      double sample = (double) e.busyNanos() / count;
      f.meanTaskNanos = f.meanTaskNanos < 0 ? sample : 0.7 * f.meanTaskNanos + 0.3 * sample;
    }
    deliver(blocks);
  }

  void nodeLost(NodeLost e) {
    List<ResultBlock> results = new ArrayList<>();
    // The node's batches only, in batch order: sorting every batch in flight first cost a
    // thousand-node cluster tens of milliseconds per lost node.
    List<InFlight> held = new ArrayList<>();
    for (InFlight flight : f.inFlight.valuesIterator()) {
      if (flight.node().equals(e.node())) {
        held.add(flight);
      }
    }
    held.sort(Comparator.comparingLong(flight -> flight.batch().id()));
    for (InFlight flight : held) {
      Batch batch = flight.batch();
      f.inFlight = f.inFlight.remove(batch.id());
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
        TaskError error = failed(flight, offset, new InputFailure(offset, FailureKind.CRASH, lost));
        if (error != null) {
          results.add(
              ResultBlock.failed(
                  batch.firstIndex() + offset,
                  batch.inputs().subList(offset, offset + 1),
                  error,
                  origin(flight, 0)));
        }
      }
    }
    deliver(results);
  }

  void returned(Returned e) {
    InFlight flight = f.inFlight.get(e.batchId()).getOrNull();
    if (f.phase.terminal()
        || flight == null
        || !flight.node().equals(e.node())
        || flight.received() > 0) {
      return; // lost or cancelled meanwhile: what was decided then stands
    }
    f.inFlight = f.inFlight.remove(e.batchId());
    Batch batch = flight.batch();
    f.ready =
        f.ready.append(
            new Batch(
                f.nextBatchId++,
                batch.firstIndex(),
                batch.inputs(),
                batch.attempt(),
                batch.taskFailures(),
                batch.systemFailures(),
                batch.failedOn(),
                batch.lastError()));
  }

  void inputsAdded(InputsAdded e) {
    if (!f.inputsOpen) {
      throw new IllegalStateException("job " + f.id + " takes no more inputs");
    }
    if (e.count() < 0) {
      throw new IllegalArgumentException("cannot add " + e.count() + " inputs");
    }
    if (!f.phase.terminal()) {
      f.available += e.count();
    }
  }

  void cancelled(Cancelled e) {
    if (f.phase.terminal()) {
      return;
    }
    f.phase = Phase.CANCELLED;
    f.message = e.reason();
    f.inputsOpen = false;
    f.inFlight = HashMap.empty();
    f.ready = Vector.empty();
    // Results that completed stay readable, even those still waiting for earlier inputs.
    f.reorder.waiting().forEach(this::release);
    f.reorder = ReorderBuffer.empty();
  }

  /** Where and when a batch runs, with the task's time per input of a part, for the job log. */
  private static Origin origin(InFlight flight, long nanosPerInput) {
    return new Origin(
        flight.address(), flight.batch().attempt(), flight.sentAt(), Math.max(0, nanosPerInput));
  }

  /**
   * The results of inputs {@code [from, to)} of a batch, if any, with what their attempts added to
   * the counters: these results are final, so their additions count once they are released.
   */
  private static Optional<ResultBlock> block(
      Batch batch,
      int from,
      int to,
      Values outputs,
      Map<Integer, TaskError> errors,
      Origin origin,
      cohort.protocol.CounterDeltas counters) {
    return to > from
        ? Optional.of(
            new ResultBlock(
                batch.firstIndex() + from,
                batch.inputs().subList(from, to),
                outputs,
                errors,
                origin,
                Counters.of(counters, from, to)))
        : Optional.empty();
  }

  /**
   * Decides what becomes of one failed input: returns its error result, or null when it runs again
   * alone.
   */
  private TaskError failed(InFlight flight, int offset, InputFailure failure) {
    Batch batch = flight.batch();
    FailurePolicy.Decision decision =
        FailurePolicy.of(f.spec).decide(batch, failure, flight.address());
    if (decision instanceof FailurePolicy.GiveUp giveUp) {
      return giveUp.error();
    }
    FailurePolicy.RunAgain again = (FailurePolicy.RunAgain) decision;
    f.ready =
        f.ready.append(
            new Batch(
                f.nextBatchId++,
                batch.firstIndex() + offset,
                batch.inputs().subList(offset, offset + 1),
                batch.attempt() + 1,
                again.taskFailures(),
                again.systemFailures(),
                again.failedOn(),
                again.error()));
    f.retried++;
    return null;
  }

  /**
   * Puts inputs {@code [from, to)} of a batch back in the queue: they did not fail, only stopped.
   */
  private void rerun(Batch batch, int from, int to) {
    f.ready =
        f.ready.append(
            new Batch(
                f.nextBatchId++,
                batch.firstIndex() + from,
                batch.inputs().subList(from, to),
                batch.attempt() + 1,
                batch.taskFailures(),
                batch.systemFailures(),
                batch.failedOn(),
                batch.lastError()));
    f.retried += to - from;
  }

  /** Hands out results: unordered at once, ordered once every earlier input has its result. */
  private void deliver(List<ResultBlock> blocks) {
    if (blocks.isEmpty()) {
      return;
    }
    if (!f.spec.ordered() || f.phase.terminal()) {
      blocks.forEach(this::release);
      return;
    }
    ReorderBuffer.Released out = f.reorder.add(blocks);
    f.reorder = out.buffer();
    out.ready().forEach(this::release);
  }

  private void release(ResultBlock block) {
    f.tally = f.tally.add(block, f.spec.combiner());
    released.add(block);
  }

  static void finishIfDone(JobFields f, Instant now) {
    if (f.phase.terminal()) {
      if (f.finishedAt == null) {
        f.finishedAt = now;
      }
      return;
    }
    if (f.inputsOpen || f.tally.delivered() < f.available) {
      return;
    }
    if (f.tally.failed() > 0 || f.tally.combineError() != null) {
      f.phase = Phase.FAILED;
      f.message =
          f.tally.failed() > 0
              ? f.tally.failed() + " of " + f.available + " inputs failed"
              : "the outputs could not be combined: " + f.tally.combineError();
    } else {
      f.phase = Phase.SUCCEEDED;
    }
    f.finishedAt = now;
  }
}
