package cohort.coordinator;

import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobEvent.Cancelled;
import cohort.coordinator.job.JobState;
import cohort.coordinator.jobs.Job;
import cohort.coordinator.jobs.JobRegistry;
import cohort.coordinator.journal.JobRecordEvent;
import cohort.coordinator.journal.Journal;
import cohort.protocol.WorkerProtocol;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The client requests about jobs that exist, for the {@link Coordinator}: a job's state, the list
 * of jobs, a job's result log, and a cancel. Apart from the actor so that it only routes them; a
 * cancel, whether asked for or caused by a broken upload ({@link InputRequests}), goes through
 * {@link #cancel(Job, String)}, which also tells every node. Used by the coordinator actor only;
 * not thread-safe.
 */
final class ClientJobRequests {

  private final JobRegistry jobs;
  private final Journal journal;
  private final Supplier<NodeTable> nodes;
  private final BiConsumer<Job, JobEvent> apply;

  /**
   * @param journal where a cancel is journaled
   * @param nodes the nodes as the coordinator knows them now
   * @param apply applies an event to a job, and ends the job when it is done
   */
  ClientJobRequests(
      JobRegistry jobs,
      Journal journal,
      Supplier<NodeTable> nodes,
      BiConsumer<Job, JobEvent> apply) {
    this.jobs = jobs;
    this.journal = journal;
    this.nodes = nodes;
    this.apply = apply;
  }

  void get(ClientRequests.GetJob get) {
    get.replyTo().tell(jobs.get(get.id()).map(Job::state));
  }

  void list(ClientRequests.ListJobs list) {
    list.replyTo().tell(jobs.all().stream().map(Job::state).toList());
  }

  void open(ClientRequests.OpenResults open) {
    open.replyTo().tell(jobs.get(open.id()).map(Job::log));
  }

  void cancelRequested(ClientRequests.CancelJob cancel) {
    Optional<Job> job = jobs.get(cancel.id());
    if (job.isEmpty() || job.get().state().terminal()) {
      cancel.replyTo().tell(job.map(Job::state));
      return;
    }
    // The client hears of the cancel once it is journaled: a restart keeps the job cancelled.
    CompletionStage<Void> kept = cancel(job.get(), "cancelled on request");
    JobState state = job.get().state();
    kept.whenComplete((done, failure) -> cancel.replyTo().tell(Optional.of(state)));
  }

  /**
   * Cancels a job and tells every node, so running tasks are interrupted everywhere; completes once
   * the cancel is journaled.
   */
  CompletionStage<Void> cancel(Job job, String reason) {
    // Told before the cancel applies, so nodes hear it before the job's end (JobEnded).
    for (NodeTable.Node node : nodes.get().nodes()) {
      node.worker().tell(new WorkerProtocol.CancelJob(job.id()));
    }
    apply.accept(job, new Cancelled(reason));
    CompletionStage<Void> kept = journal.record(job.id(), new JobRecordEvent.Cancelled(reason));
    jobs.flushResults();
    return kept;
  }
}
