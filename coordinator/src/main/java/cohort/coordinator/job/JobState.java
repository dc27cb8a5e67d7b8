package cohort.coordinator.job;

import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Cancelled;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.coordinator.job.JobEvent.InputsAdded;
import cohort.coordinator.job.JobEvent.InputsClosed;
import cohort.coordinator.job.JobEvent.NodeLost;
import cohort.coordinator.job.JobEvent.Returned;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The progress of one job: an immutable value changed only by {@link JobEvent}s through {@link
 * #updated}, so it can be tested without actors and journaled as it is.
 *
 * <p>It tracks which inputs have gone out (in batches, by node) and which results are in. Every
 * input gets exactly one result: a result for a batch no longer in flight is a duplicate and
 * changes nothing. An ordered job's results wait in a {@link ReorderBuffer} until every earlier
 * input has one; dispatch may run at most {@code window} inputs ahead of the first input without a
 * result, which bounds that buffer. What becomes of a failed input is the job's {@link
 * FailurePolicy}; inputs that run again travel alone, with their own counts.
 *
 * <p>Each transition returns the new state with the results it released, in delivery order, in
 * blocks of contiguous inputs ({@link Transition}).
 */
public final class JobState {

  /**
   * A batch out on a node, and how many of its results have come back.
   *
   * @param node the node's id
   * @param address the node's {@code host:port}
   * @param received results in so far
   * @param sentAt when the batch went out, for the job log
   */
  public record InFlight(Batch batch, String node, String address, int received, Instant sentAt) {

    /** Inputs of the batch still without a result. */
    int outstanding() {
      return batch.size() - received;
    }
  }

  /**
   * What one event did: the state after it, and the results it released for the client.
   *
   * @param released results now ready, in delivery order
   */
  public record Transition(JobState state, List<ResultBlock> released) {
    public Transition {
      released = List.copyOf(released);
    }
  }

  private final JobFields f;

  JobState(JobFields fields) {
    this.f = fields;
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
    JobFields f = pending(id, spec, window, now);
    f.available = total;
    JobStep.finishIfDone(f, now);
    return new JobState(f);
  }

  /**
   * A job just accepted whose inputs will stream in: none are known yet; {@link InputsAdded} brings
   * them and {@link InputsClosed} ends them.
   */
  public static JobState streamed(String id, JobSpec spec, long window, Instant now) {
    JobFields f = pending(id, spec, window, now);
    f.inputsOpen = true;
    return new JobState(f);
  }

  /**
   * A job recovered after the coordinator restarted, with all of its {@code total} inputs known:
   * those in {@code done} have their result in the job's log, folded into {@code tally}; the rest
   * run, those that were in flight again. An ordered job's done inputs are a run from 0, since its
   * log is in input order; an unordered job's gaps below its highest done input become batches of
   * at most {@code maxBatch} inputs, first in line, their inputs read from {@code inputs}.
   *
   * @param firstBatchId the id of the first batch this state sends: above any id the job used
   *     before the restart, so a late result of an old batch is never taken for a new one
   * @param inputsOpen whether its inputs may still grow (a stream): it does not end when every
   *     known input has its result
   * @throws IllegalStateException when the log does not fit the job: an ordered job's results with
   *     gaps, results beyond its inputs, or a tally that does not count them
   */
  public static JobState recovered(
      String id,
      JobSpec spec,
      long total,
      long window,
      Instant submittedAt,
      DoneInputs done,
      Tally tally,
      InputSource inputs,
      long firstBatchId,
      int maxBatch,
      Instant now,
      boolean inputsOpen) {
    return JobRecovery.recovered(
        id,
        spec,
        total,
        window,
        submittedAt,
        done,
        tally,
        inputs,
        firstBatchId,
        maxBatch,
        now,
        inputsOpen);
  }

  /** This state for a job that resumes an earlier one: it skips the inputs {@code plan} names. */
  JobState resuming(ResumePlan plan) {
    JobFields resumed = f.copy();
    resumed.resumed = plan;
    return new JobState(resumed);
  }

  /** The fields every job starts from, nothing sent and nothing in; {@link JobRecovery} too. */
  static JobFields pending(String id, JobSpec spec, long window, Instant now) {
    if (window < 1) {
      throw new IllegalArgumentException("window " + window + " must be at least 1");
    }
    JobFields f = new JobFields();
    f.id = id;
    f.spec = spec;
    f.window = window;
    f.submittedAt = now;
    return f;
  }

  /** Returns the state after {@code event}, and what it released. */
  public Transition updated(JobEvent event, Instant now) {
    JobStep step = new JobStep(f.copy(), now);
    if (event instanceof Dispatched e) {
      step.dispatched(e);
    } else if (event instanceof BatchCompleted e) {
      step.completed(e);
    } else if (event instanceof NodeLost e) {
      step.nodeLost(e);
    } else if (event instanceof Returned e) {
      step.returned(e);
    } else if (event instanceof Cancelled e) {
      step.cancelled(e);
    } else if (event instanceof InputsAdded e) {
      step.inputsAdded(e);
    } else if (event instanceof InputsClosed) {
      step.f.inputsOpen = false;
    } else if (event instanceof JobEvent.WaitingInLine e) {
      step.f.waitingInLine = e.reason();
    } else if (event instanceof JobEvent.WaitingForNodes e) {
      step.f.waitingForNodes = e.reason();
    } else {
      throw new IllegalArgumentException("unknown event " + event);
    }
    JobStep.finishIfDone(step.f, now);
    return new Transition(new JobState(step.f), step.released);
  }

  // ---- queries ------------------------------------------------------------------------------

  public String id() {
    return f.id;
  }

  public JobSpec spec() {
    return f.spec;
  }

  public Phase phase() {
    return f.phase;
  }

  public boolean terminal() {
    return f.phase.terminal();
  }

  /**
   * Why the job waits: for a place among the running jobs ({@link #waitingInLine}), else for nodes
   * that can run it ({@link #waitingForNodes}); null when it does not, or ended.
   */
  public String waiting() {
    if (terminal()) {
      return null;
    }
    return f.waitingInLine != null ? f.waitingInLine : f.waitingForNodes;
  }

  /** Why no node that takes work can run the job now, or null when some can. */
  public String waitingForNodes() {
    return terminal() ? null : f.waitingForNodes;
  }

  /** A note for a person, such as why the job failed or was cancelled, or null. */
  public String message() {
    return f.message;
  }

  /** When the job ended; empty while it runs. */
  public Optional<Instant> finishedAt() {
    return Optional.ofNullable(f.finishedAt);
  }

  /** The earlier job this one resumes and the inputs it skipped there, if it resumes one. */
  public Optional<ResumePlan> resumed() {
    return Optional.ofNullable(f.resumed);
  }

  /** Why the job waits to be let in to run, and its place in line; null once let in. */
  public String waitingInLine() {
    return terminal() ? null : f.waitingInLine;
  }

  /** Batches of the job out on the nodes now. */
  public int inFlightCount() {
    return f.inFlight.size();
  }

  /** When the job was accepted. */
  public Instant submittedAt() {
    return f.submittedAt;
  }

  /** Time from acceptance to the end, or to {@code now} while the job runs. */
  public Duration elapsed(Instant now) {
    return Duration.between(f.submittedAt, f.finishedAt == null ? now : f.finishedAt);
  }

  /** Batches out on nodes now, by id. */
  public List<InFlight> inFlight() {
    List<InFlight> list = new ArrayList<>(f.inFlight.size());
    f.inFlight.values().forEach(list::add);
    list.sort(Comparator.comparingLong(flight -> flight.batch().id()));
    return list;
  }

  /**
   * How many batches are out on the node with this id. Looks at each batch out once and sorts
   * nothing: a lost node asks it of every running job.
   */
  public int inFlightOn(String node) {
    int count = 0;
    for (InFlight flight : f.inFlight.valuesIterator()) {
      count += flight.node().equals(node) ? 1 : 0;
    }
    return count;
  }

  /** Whether the batch is out on a node and the job still waits for results of it. */
  public boolean isInFlight(long batchId) {
    return f.inFlight.containsKey(batchId);
  }

  /** The batch out on a node with this id, if the job still waits for results of it. */
  public Optional<InFlight> inFlight(long batchId) {
    return f.inFlight.get(batchId).toJavaOptional();
  }

  /** Batches waiting to run again, first to go first. */
  public List<Batch> ready() {
    return f.ready.asJava();
  }

  /** Index of the first input never sent yet. */
  public long nextFresh() {
    return f.nextFresh;
  }

  /** The id the next new batch gets. */
  public long nextBatchId() {
    return f.nextBatchId;
  }

  /** Batches made so far, since the coordinator's last start for a recovered job. */
  public long batchesMade() {
    return f.nextBatchId - f.firstBatchId;
  }

  /** Inputs known so far. */
  public long available() {
    return f.available;
  }

  /** Whether more inputs may still stream in. */
  public boolean inputsOpen() {
    return f.inputsOpen;
  }

  /** Inputs known but never sent yet, whatever the window allows now. */
  public long unsent() {
    return f.available - f.nextFresh;
  }

  /**
   * Whether a streamed job may take more inputs: fewer than {@code bufferLimit} wait unsent and,
   * for an ordered job, its window ahead of the first missing result has room.
   */
  public boolean admitsInputs(long bufferLimit) {
    if (!f.inputsOpen || terminal()) {
      return false;
    }
    return unsent() < bufferLimit && (!f.spec.ordered() || f.available < delivered() + f.window);
  }

  /** How many results have been handed out for delivery. */
  public long delivered() {
    return f.tally.delivered();
  }

  public long succeeded() {
    return f.tally.succeeded();
  }

  public long failed() {
    return f.tally.failed();
  }

  /** Times an input was sent again after a failure or a lost node. */
  public long retried() {
    return f.retried;
  }

  /** Inputs out on nodes now. */
  public long running() {
    return terminal() ? 0 : f.inFlight.values().map(InFlight::outstanding).sum().longValue();
  }

  /** Inputs not sent to a node now, including those waiting to run again. */
  public long pending() {
    return terminal() ? 0 : f.available - delivered() - running();
  }

  /** The combined value of the outputs so far, or null without a combiner. */
  public JsonNode combined() {
    Combiner combiner = f.spec.combiner();
    return combiner == null || f.tally.combineError() != null
        ? null
        : combiner.result(f.tally.combined());
  }

  /**
   * The job's counters: what the attempts whose results were released added. A retried input's
   * earlier attempts, and inputs whose node was lost before their result came, add nothing.
   */
  public Counters counters() {
    return f.tally.counters();
  }

  /** Why the outputs could not be combined, or null. */
  public String combineError() {
    return f.tally.combineError();
  }

  /** Mean time one input took on a node, or a negative number before any was measured. */
  public double meanTaskNanos() {
    return f.meanTaskNanos;
  }

  /** Whether this job has anything to send now: a batch to run again, or fresh inputs. */
  public boolean hasWork() {
    return !terminal() && (!f.ready.isEmpty() || admissible() > 0);
  }

  /**
   * How many fresh inputs may be sent now: those known and, for ordered jobs, within the window
   * ahead of the first input still waiting for its result.
   */
  public long admissible() {
    if (terminal()) {
      return 0;
    }
    long limit = f.available;
    if (f.spec.ordered()) {
      limit = Math.min(limit, delivered() + f.window);
    }
    return Math.max(0, limit - f.nextFresh);
  }

  private void check() {
    if (f.nextFresh > f.available || delivered() > f.available) {
      throw new IllegalStateException("job " + f.id + ": counts beyond " + f.available + " inputs");
    }
    if (terminal() && !f.inFlight.isEmpty()) {
      throw new IllegalStateException("job " + f.id + " is " + f.phase + " with batches in flight");
    }
    if (f.spec.ordered() && !terminal() && f.reorder.next() != delivered()) {
      throw new IllegalStateException(
          "job " + f.id + ": reorder buffer at " + f.reorder.next() + ", " + delivered() + " out");
    }
  }
}
