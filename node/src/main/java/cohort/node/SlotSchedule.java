package cohort.node;

import cohort.protocol.Coalescing;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.WorkerProtocol.RunBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which batches run on the node's slots: the batches queued, the runs handed to slot threads, the
 * slots held for batches that wait for the coordinator to confirm their start, and the threads
 * given up for lost.
 *
 * <p>A free slot takes the batch at the head of the queue, or as many small batches in a row as
 * {@link Coalescing#runLength} allows, to run back to back on one thread. A batch that must confirm
 * its start ({@link RunBatch#confirmStart()}) runs alone: at the head of the queue it takes a slot
 * and holds it until the coordinator answers. A run holds its slot until its thread says it is
 * done, or until the thread is given up: then the slot is free at once and the worker adds a thread
 * in its place, so the executor needs a thread per slot plus one per thread given up and not back
 * yet.
 *
 * <p>Not thread-safe: the worker's actor owns it. Slot threads see only their batches' {@link
 * BatchControl}.
 */
final class SlotSchedule {

  private final int slots;
  private final ArrayDeque<RunBatch> queued = new ArrayDeque<>();
  private final Map<BatchKey, RunningBatch> handed = new LinkedHashMap<>();
  private final Set<Long> runs = new HashSet<>();
  private final Map<BatchKey, RunningBatch> held = new LinkedHashMap<>();
  private final Set<Long> givenUp = new HashSet<>();
  private long lastRun;

  /**
   * @param slots how many runs go at once
   */
  SlotSchedule(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots = " + slots + ": a node needs at least 1 slot");
    }
    this.slots = slots;
  }

  /** Queues a batch behind those queued already. */
  void enqueue(RunBatch batch) {
    queued.addLast(batch);
  }

  /**
   * Holds a free slot for the batch at the head of the queue if it must confirm its start.
   *
   * @param tasks a job's bound task, or null while it is not bound: a batch waits for its task
   * @return the batch whose start to ask the coordinator for, or null when there is none, no slot
   *     is free, or its task is not bound
   */
  RunningBatch holdForConfirmation(Function<String, BoundTask> tasks) {
    RunBatch head = queued.peekFirst();
    if (busy() >= slots || head == null || !head.confirmStart()) {
      return null;
    }
    BoundTask task = tasks.apply(head.jobId());
    if (task == null) {
      return null;
    }
    queued.pollFirst();
    RunningBatch batch = new RunningBatch(head, new BatchControl(), ++lastRun, task);
    held.put(batch.key(), batch);
    return batch;
  }

  /**
   * The coordinator confirmed a held batch's start: its slot runs it now, alone.
   *
   * @return the run of that one batch, taken up already; empty when the batch is not held (it was
   *     withdrawn, and reported, before the answer came)
   */
  List<RunningBatch> confirmed(BatchKey key) {
    RunningBatch batch = held.remove(key);
    if (batch == null) {
      return List.of();
    }
    handed.put(key, batch);
    runs.add(batch.run());
    batch.control().takeUp();
    return List.of(batch);
  }

  /**
   * Hands the next run to a free slot: the batch at the head of the queue, or a run of small ones,
   * each taken up to run as its thread gets to it, the first at once. A batch that must confirm its
   * start is not run here: see {@link #holdForConfirmation}.
   *
   * @param tasks a job's bound task, or null while it is not bound: a batch waits for its task
   * @return the run's batches in order, or an empty list when no slot is free, the queue is empty,
   *     or the head's task is not bound
   */
  List<RunningBatch> nextRun(Function<String, BoundTask> tasks) {
    if (busy() >= slots) {
      return List.of();
    }
    // A batch that confirms its start counts as large here, so it ends a run and is never in one.
    int length =
        Coalescing.runLength(
            queued, batch -> batch.confirmStart() ? Integer.MAX_VALUE : batch.inputs().size());
    if (length == 1 && queued.peekFirst().confirmStart()) {
      return List.of();
    }
    long run = lastRun + 1;
    List<RunningBatch> batches = new ArrayList<>();
    while (batches.size() < length) {
      RunBatch head = queued.peekFirst();
      BoundTask task = tasks.apply(head.jobId());
      if (task == null) {
        break;
      }
      queued.pollFirst();
      RunningBatch batch = new RunningBatch(head, new BatchControl(), run, task);
      handed.put(batch.key(), batch);
      batches.add(batch);
    }
    if (!batches.isEmpty()) {
      lastRun = run;
      runs.add(run);
      batches.get(0).control().takeUp();
    }
    return batches;
  }

  /** The queued batch its task is needed for next, or null when the queue is empty. */
  RunBatch head() {
    return queued.peekFirst();
  }

  /**
   * Takes out the batches that have not started and match: those queued, those held for a start
   * confirmation (freeing their slots), and those waiting their turn in a run that can still be
   * withdrawn. They will not run here.
   */
  List<RunBatch> withdraw(Predicate<RunBatch> which) {
    List<RunBatch> withdrawn = dequeue(which);
    for (Iterator<RunningBatch> it = held.values().iterator(); it.hasNext(); ) {
      RunBatch batch = it.next().batch();
      if (which.test(batch)) {
        it.remove();
        withdrawn.add(batch);
      }
    }
    for (Iterator<RunningBatch> it = handed.values().iterator(); it.hasNext(); ) {
      RunningBatch batch = it.next();
      if (which.test(batch.batch()) && batch.control().withdraw()) {
        it.remove();
        withdrawn.add(batch.batch());
      }
    }
    return withdrawn;
  }

  /** Takes the queued batches that match out of the queue. */
  List<RunBatch> dequeue(Predicate<RunBatch> which) {
    List<RunBatch> taken = new ArrayList<>();
    for (Iterator<RunBatch> it = queued.iterator(); it.hasNext(); ) {
      RunBatch batch = it.next();
      if (which.test(batch)) {
        it.remove();
        taken.add(batch);
      }
    }
    return taken;
  }

  /**
   * The coordinator declined a held batch's start: its slot is free.
   *
   * @return the batch, or null when it is not held
   */
  RunBatch declined(BatchKey key) {
    RunningBatch batch = held.remove(key);
    return batch == null ? null : batch.batch();
  }

  /**
   * Its slot thread finished the batch.
   *
   * @return the batch, or null when it was given up or withdrawn before: reported already
   */
  RunningBatch finished(BatchKey key) {
    return handed.remove(key);
  }

  /** The batches handed to slot threads and not finished, running or waiting their turn. */
  Collection<RunningBatch> handed() {
    return List.copyOf(handed.values());
  }

  /** A batch handed to a slot thread and not finished, or null. */
  RunningBatch handed(BatchKey key) {
    return handed.get(key);
  }

  /**
   * Gives the thread of a run up for lost: its slot is free at once, and every batch of the run
   * that did not finish is abandoned and returned, to be reported. A run given up already returns
   * nothing, so no batch is reported twice.
   */
  List<RunningBatch> giveUp(long run) {
    if (!runs.remove(run)) {
      return List.of();
    }
    givenUp.add(run);
    List<RunningBatch> lost = takeBatchesOf(run);
    lost.forEach(batch -> batch.control().abandon());
    return lost;
  }

  /**
   * A slot thread ended its run.
   *
   * @return the run's batches it did not finish, if it died of an error; none normally
   */
  List<RunningBatch> runEnded(long run) {
    if (givenUp.remove(run)) {
      return List.of(); // came back after all; its slot was replaced when it was given up
    }
    runs.remove(run);
    return takeBatchesOf(run);
  }

  private List<RunningBatch> takeBatchesOf(long run) {
    List<RunningBatch> taken = new ArrayList<>();
    for (Iterator<RunningBatch> it = handed.values().iterator(); it.hasNext(); ) {
      RunningBatch batch = it.next();
      if (batch.run() == run) {
        it.remove();
        taken.add(batch);
      }
    }
    return taken;
  }

  /** Slots in use: by runs whose threads have not ended, and held for a start confirmation. */
  int busy() {
    return runs.size() + held.size();
  }

  /** Threads given up that have not come back. */
  int threadsGivenUp() {
    return givenUp.size();
  }

  /** Threads the slot executor needs: one per slot, and one in place of each thread given up. */
  int threadsNeeded() {
    return slots + givenUp.size();
  }

  /** Whether no batch is queued, held for a confirmation or handed to a thread. */
  boolean idle() {
    return queued.isEmpty() && held.isEmpty() && handed.isEmpty();
  }
}
