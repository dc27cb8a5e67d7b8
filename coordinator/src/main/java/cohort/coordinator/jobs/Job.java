package cohort.coordinator.jobs;

import cohort.coordinator.ClientRequests.AddInputs;
import cohort.coordinator.ClientRequests.InputsAccepted;
import cohort.coordinator.ClientRequests.Refusal;
import cohort.coordinator.ClientRequests.Refused;
import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobEvent.InputsAdded;
import cohort.coordinator.job.JobState;
import cohort.coordinator.results.ResultLog;
import cohort.coordinator.results.ResultSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One job in the coordinator: its {@link JobState} value and what serves it — its inputs, its
 * result log and the sink that feeds it, the uploads waiting for room, and the waiters that want
 * its results.
 *
 * <p>Its state changes only through {@link #apply}, one {@link JobEvent} at a time. Used by the
 * coordinator actor only; not thread-safe.
 */
public final class Job {

  /**
   * Keeps a streamed job's inputs before they go in, for a coordinator whose jobs outlive it: it
   * writes and journals them, and then calls {@link #kept}. Without one, inputs go in at once.
   */
  public interface InputKeeper {
    /** Keeps {@code add}'s inputs as the job's inputs from {@code first} on. */
    void keep(Job job, AddInputs add, long first);
  }

  private JobState state;
  private final InputSource inputs;
  private final ResultLog log;
  private final ResultSink results = new ResultSink();
  private final InputGate gate = new InputGate();
  private final List<ActorRef<JobWaiter.Command>> waiters = new ArrayList<>();
  private final Consumer<Job> output;
  private final InputKeeper keeper;
  private final JobWatch watch;

  /**
   * @param output told when the job has results for its writer, or ended
   * @param keeper keeps streamed inputs before they go in; null to let them in at once
   * @param watch told of every change, for the metrics
   */
  Job(
      JobState state,
      InputSource inputs,
      ResultLog log,
      Consumer<Job> output,
      InputKeeper keeper,
      JobWatch watch) {
    this.state = state;
    this.inputs = inputs;
    this.log = log;
    this.output = output;
    this.keeper = keeper;
    this.watch = watch;
  }

  public String id() {
    return state.id();
  }

  public JobState state() {
    return state;
  }

  public InputSource inputs() {
    return inputs;
  }

  public ResultLog log() {
    return log;
  }

  public ResultSink results() {
    return results;
  }

  public InputGate gate() {
    return gate;
  }

  /** Sends the job's released results and its end to a waiter, until it stops. */
  public void addWaiter(ActorRef<JobWaiter.Command> waiter) {
    waiters.add(waiter);
  }

  /** Stops sending to a waiter that is gone. */
  public void removeWaiter(ActorRef<JobWaiter.Command> waiter) {
    waiters.remove(waiter);
  }

  /** Why the job takes no inputs through {@code POST /jobs/{id}/inputs} now, if it does not. */
  public Optional<Refused> inputsRefused() {
    if (!inputs.isStreamed()) {
      return Optional.of(
          new Refused(
              Refusal.NO_MORE_INPUTS,
              "job "
                  + id()
                  + " has its inputs already; only a job created with"
                  + " \"stream\": true takes inputs here"));
    }
    if (state.terminal()) {
      return Optional.of(Refused.ended(state));
    }
    if (!state.inputsOpen()) {
      return Optional.of(
          new Refused(Refusal.NO_MORE_INPUTS, "the inputs of job " + id() + " have ended already"));
    }
    return Optional.empty();
  }

  /**
   * Lets an upload in now if none waits before it and the job has room, or holds it until then.
   *
   * @param limit unsent inputs the job may hold ({@link InputGate#limit})
   * @return true when it got in
   */
  public boolean offer(AddInputs add, long limit, Instant now) {
    if (!gate.admitsNow(state, limit)) {
      gate.hold(add);
      return false;
    }
    return admitOrKeep(add, now);
  }

  /** Lets an upload in, or, with a keeper, has it kept first: then it goes in at {@link #kept}. */
  private boolean admitOrKeep(AddInputs add, Instant now) {
    if (keeper == null) {
      admit(add, now);
      return true;
    }
    gate.keeping();
    keeper.keep(this, add, state.available());
    return false;
  }

  /**
   * The upload being kept is kept (or could not be, for the reason {@code failure}): it goes in,
   * and uploads that waited after it follow while the job has room.
   *
   * @return true if any inputs went in
   */
  public boolean kept(AddInputs add, String failure, long limit, Instant now) {
    gate.kept();
    if (failure != null) {
      add.replyTo()
          .tell(
              new Refused(
                  Refusal.UNAVAILABLE,
                  "the coordinator cannot keep the inputs of job "
                      + id()
                      + " ("
                      + failure
                      + "); check the space and permissions of its data folder"));
      return false;
    }
    if (state.terminal()) {
      add.replyTo().tell(Refused.ended(state));
      return false;
    }
    admit(add, now);
    admitWaiting(limit, now);
    return true;
  }

  /** Appends an upload's inputs, and answers it with the job's input count so far. */
  private void admit(AddInputs add, Instant now) {
    inputs.append(add.inputs());
    apply(new InputsAdded(add.inputs().size()), now);
    add.replyTo().tell(new InputsAccepted(state.available()));
  }

  /**
   * Lets in the uploads that waited, oldest first, while the job has room.
   *
   * @param limit unsent inputs the job may hold ({@link InputGate#limit})
   * @return true if any got in
   */
  public boolean admitWaiting(long limit, Instant now) {
    boolean admitted = false;
    Optional<AddInputs> next = gate.next(state, limit);
    while (next.isPresent()) {
      if (!admitOrKeep(next.get(), now)) {
        return admitted;
      }
      admitted = true;
      next = gate.next(state, limit);
    }
    return admitted;
  }

  /**
   * Applies an event: released results go to the result sink and the waiters; the job's end goes to
   * the waiters.
   *
   * @return true when this event ended the job
   */
  public boolean apply(JobEvent event, Instant now) {
    JobState before = state;
    JobState.Transition step = state.updated(event, now);
    state = step.state();
    watch.changed(event, before, state, step.released());
    if (!step.released().isEmpty()) {
      results.add(step.released());
      output.accept(this);
      waiters.forEach(waiter -> waiter.tell(new JobWaiter.Released(step.released())));
    }
    boolean ended = !before.terminal() && state.terminal();
    if (ended) {
      output.accept(this);
      waiters.forEach(waiter -> waiter.tell(new JobWaiter.Ended(state)));
      waiters.clear();
    }
    return ended;
  }
}
