package cohort.coordinator;

import cohort.coordinator.ClientRequests.Refused;
import cohort.coordinator.admission.Admissions;
import cohort.coordinator.admission.JobLimits;
import cohort.coordinator.dispatch.Dispatcher;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobEvent.InputsClosed;
import cohort.coordinator.jobs.Job;
import cohort.coordinator.jobs.JobRegistry;
import cohort.coordinator.journal.JobRecordEvent;
import cohort.coordinator.journal.Journal;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;

/**
 * The client requests of a streamed job's upload, for the {@link Coordinator}: more inputs, a check
 * of the first ones, their end, and an upload that broke. Each refuses a job that takes no inputs
 * ({@link JobRegistry#inputsRefused}); what changes a job goes through the coordinator's {@link
 * Actions}. Used by the coordinator actor only; not thread-safe.
 */
final class InputRequests {

  /**
   * What the coordinator does for these requests.
   *
   * @param nodes the nodes as the coordinator knows them now
   * @param apply applies an event to a job, and ends the job when it is done
   * @param dispatch sends what can be sent now
   * @param cancel cancels a job everywhere, for a reason
   * @param journal where a streamed job's end of inputs is journaled
   */
  record Actions(
      Supplier<NodeTable> nodes,
      BiConsumer<Job, JobEvent> apply,
      Runnable dispatch,
      BiConsumer<Job, String> cancel,
      Journal journal) {}

  private final JobRegistry jobs;
  private final Dispatcher dispatcher;
  private final ActorRef<Admissions.Command> admissions;
  private final String address;
  private final Clock clock;
  private final Logger log;
  private final Actions actions;
  private final JobLimits limits;

  InputRequests(
      JobRegistry jobs,
      Dispatcher dispatcher,
      ActorRef<Admissions.Command> admissions,
      String address,
      Clock clock,
      Logger log,
      JobLimits limits,
      Actions actions) {
    this.jobs = jobs;
    this.limits = limits;
    this.dispatcher = dispatcher;
    this.admissions = admissions;
    this.address = address;
    this.clock = clock;
    this.log = log;
    this.actions = actions;
  }

  /** More inputs: admitted while the job has room, which sends them to nodes. */
  void add(ClientRequests.AddInputs add) {
    Optional<Job> open = open(add.id(), add.replyTo()::tell);
    if (open.isEmpty()) {
      return;
    }
    Job job = open.get();
    Optional<Refused> over = limits.onAdd(job.state().available(), add.inputs().size());
    if (over.isPresent()) {
      add.replyTo().tell(over.get());
      return;
    }
    if (job.offer(add, dispatcher.bufferLimit(job, actions.nodes().get()), clock.instant())) {
      actions.dispatch().run();
    }
  }

  /** An upload's inputs are kept (or could not be): they go in, and those that waited follow. */
  void kept(JobIntake.InputsKept kept) {
    Optional<Job> job = jobs.get(kept.jobId());
    if (job.isEmpty()) {
      kept.add().replyTo().tell(Refused.unknownJob(kept.jobId()));
      return;
    }
    String failure = kept.failure() == null ? null : Journal.reason(kept.failure());
    if (failure != null) {
      log.error("job {}: cannot keep its inputs: {}", kept.jobId(), failure);
    }
    long limit = dispatcher.bufferLimit(job.get(), actions.nodes().get());
    if (job.get().kept(kept.add(), failure, limit, clock.instant())) {
      actions.dispatch().run();
    }
  }

  /** The admission desk judges a streamed job's first inputs, as it judged the job. */
  void check(ClientRequests.CheckInputs check) {
    Optional<Job> open = open(check.id(), check.replyTo()::tell);
    if (open.isEmpty()) {
      return;
    }
    Job job = open.get();
    admissions.tell(
        new Admissions.JudgeInputs(
            job.state().spec().task(),
            check.samples(),
            actions.nodes().get(),
            address,
            check.replyTo(),
            job.state().spec().waitForNodes()));
  }

  /** The inputs ended: the job can finish once they all have results. */
  void close(ClientRequests.CloseInputs close) {
    Optional<Job> open = open(close.id(), close.replyTo()::tell);
    if (open.isEmpty()) {
      return;
    }
    Job job = open.get();
    long total = job.state().available();
    actions.apply().accept(job, new InputsClosed());
    log.info("job {}: all {} inputs arrived", close.id(), total);
    // The client hears once the end is journaled: a restart then knows the inputs are complete.
    // (A job that ended meanwhile refuses it: its end, journaled, says as much.)
    actions
        .journal()
        .record(close.id(), new JobRecordEvent.InputsClosed(total))
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                log.warn(
                    "job {}: cannot journal the end of its inputs: {}",
                    close.id(),
                    Journal.reason(failure));
              }
              close.replyTo().tell(new ClientRequests.InputsAccepted(total));
            });
    actions.dispatch().run();
  }

  /** The job, if it takes inputs; otherwise the refusal goes to {@code refuse} and it is empty. */
  private Optional<Job> open(String id, Consumer<Refused> refuse) {
    Optional<Refused> refused = jobs.inputsRefused(id);
    if (refused.isPresent()) {
      refuse.accept(refused.get());
      return Optional.empty();
    }
    return jobs.get(id);
  }

  /** The upload broke: the job cannot get all its inputs, so it is cancelled. */
  void abort(ClientRequests.AbortInputs abort) {
    Optional<Job> job = jobs.get(abort.id()).filter(j -> !j.state().terminal());
    if (job.isPresent()) {
      log.warn("job {} cancelled: {}", abort.id(), abort.reason());
      actions.cancel().accept(job.get(), abort.reason());
    }
  }
}
