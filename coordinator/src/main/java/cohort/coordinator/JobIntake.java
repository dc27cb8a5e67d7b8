package cohort.coordinator;

import cohort.coordinator.ClientRequests.Accepted;
import cohort.coordinator.ClientRequests.Completed;
import cohort.coordinator.admission.TaskAdmission;
import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.Combiner;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.JobState;
import cohort.coordinator.jobs.Job;
import cohort.coordinator.jobs.JobRegistry;
import cohort.coordinator.jobs.JobWaiter;
import cohort.coordinator.journal.JobInputs;
import cohort.coordinator.journal.JobRecordEvent;
import cohort.coordinator.journal.Journal;
import cohort.coordinator.recovery.Durability;
import cohort.coordinator.recovery.RecoveredJob;
import cohort.coordinator.results.ResultWriter;
import cohort.protocol.CoordinatorProtocol;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * How jobs come into the {@link Coordinator}: a new one is named, journaled (its listed inputs kept
 * beside the journal first) and only then started and told to its client; jobs recovered at a
 * restart are registered as they were. Each started job gets a {@link ResultWriter}, and a request
 * that waits for its end a {@link JobWaiter}, as children of the coordinator. Used by the
 * coordinator actor only; not thread-safe.
 */
final class JobIntake {

  /** A new job's acceptance is journaled, or could not be: it starts, or is refused. */
  record Journaled(Job job, ClientRequests.SubmitJob submit, Throwable failure)
      implements CoordinatorProtocol.Command {}

  /** A waiter stopped. */
  record WaiterGone(String jobId, ActorRef<JobWaiter.Command> waiter)
      implements CoordinatorProtocol.Command {}

  /** A streamed upload's inputs are written and journaled, or could not be. */
  record InputsKept(String jobId, ClientRequests.AddInputs add, Throwable failure)
      implements CoordinatorProtocol.Command {}

  /** Told by a job's writer how many of its results it wrote. */
  record ResultsWritten(String jobId, int count) implements CoordinatorProtocol.Command {}

  /**
   * What the coordinator does for a job that starts.
   *
   * @param firstRound sends the first batches, before the job's writer starts
   * @param finish ends a job that is over as it starts
   * @param noteWaits tells the running jobs whether some node can run them, so a new job's status
   *     says at once why it waits for nodes
   */
  record Actions(Runnable firstRound, Consumer<Job> finish, Runnable noteWaits) {}

  private final ActorContext<CoordinatorProtocol.Command> context;
  private final CoordinatorSettings settings;
  private final JobRegistry jobs;
  private final BlobStore blobs;
  private final Clock clock;
  private final Durability durability;
  private final Executor blocking;
  private final Actions actions;

  JobIntake(
      ActorContext<CoordinatorProtocol.Command> context,
      CoordinatorSettings settings,
      JobRegistry jobs,
      BlobStore blobs,
      Clock clock,
      Durability durability,
      Actions actions) {
    this.context = context;
    this.settings = settings;
    this.jobs = jobs;
    this.blobs = blobs;
    this.clock = clock;
    this.durability = durability;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.actions = actions;
  }

  /**
   * Registers the jobs recovered at this start (those that still write get their writer), and says
   * that the coordinator at {@code address} started on {@code dataDir}.
   */
  void restore(String address, java.nio.file.Path dataDir) {
    for (RecoveredJob recovered : durability.recovered()) {
      Job job = jobs.restore(recovered.state(), recovered.inputs(), recovered.log());
      if (!recovered.closed()) {
        job.results().start(spawnWriter(job, recovered.bytes(), recovered.results()));
      }
    }
    jobs.flushResults();
    context
        .getLog()
        .info(
            "coordinator {} started; {} in {}",
            address,
            durability.journal().durable()
                ? "jobs kept, " + durability.recovered().size() + " recovered,"
                : "results spool",
            dataDir);
  }

  /**
   * Whether a submitted job is within the coordinator's limits (jobs not yet ended, inputs per job:
   * {@link cohort.coordinator.admission.JobLimits}); when not, its client is told why.
   */
  boolean withinLimits(ClientRequests.SubmitJob submit) {
    Optional<ClientRequests.Refused> over =
        settings.limits().onSubmit(jobs.activeCount(), submit.inputs());
    over.ifPresent(submit.replyTo()::tell);
    return over.isEmpty();
  }

  /**
   * Names an admitted job and journals its acceptance; it starts, and the client hears of it, once
   * that is written ({@link Journaled}). Without a durable journal it starts at once.
   */
  void accept(ClientRequests.SubmitJob submit, NodeTable nodes) {
    Combiner combiner =
        submit.taskCombiner()
            ? TaskAdmission.taskCombiner(submit.spec().task().name(), nodes)
            : submit.spec().combiner();
    JobSpec spec = submit.spec().withCombiner(combiner);
    if (submit.resume() != null) {
      // Its skipped inputs would hold an ordered job's results back for good; journaled so.
      spec = spec.withOrdered(false);
    }
    Job job =
        jobs.prepare(
            spec,
            submit.inputs(),
            settings.orderedWindow(),
            clock.instant(),
            submit.resume(),
            settings.batching().maxBatch());
    Journal journal = durability.journal();
    if (!journal.durable()) {
      start(job, submit);
      return;
    }
    JobInputs inputs = JobInputs.of(submit.inputs());
    JobRecordEvent accepted =
        new JobRecordEvent.Accepted(
            job.id(),
            spec,
            inputs,
            job.state().submittedAt(),
            submit.resume() == null ? null : submit.resume().from());
    CompletionStage<Void> kept =
        inputs.kept()
            ? CompletableFuture.runAsync(
                    () -> durability.inputs().write(job.id(), submit.inputs()), blocking)
                .thenCompose(written -> journal.record(job.id(), accepted))
            : journal.record(job.id(), accepted);
    context.pipeToSelf(kept, (done, failure) -> new Journaled(job, submit, failure));
  }

  /** Starts a journaled job, or refuses one that could not be journaled. */
  void journaled(Journaled journaled) {
    if (journaled.failure() == null) {
      start(journaled.job(), journaled.submit());
      return;
    }
    String why = Journal.reason(journaled.failure());
    context.getLog().error("job {} refused: cannot journal it: {}", journaled.job().id(), why);
    journaled
        .submit()
        .replyTo()
        .tell(
            new ClientRequests.Refused(
                ClientRequests.Refusal.UNAVAILABLE,
                "the coordinator cannot keep the job in its journal ("
                    + why
                    + "); check the space and permissions of its data folder, then submit again"));
    forget(journaled.job().id(), journaled.job().log().file());
  }

  private void start(Job job, ClientRequests.SubmitJob submit) {
    jobs.register(job);
    actions.noteWaits().run();
    JobState state = job.state();
    if (submit.waitFor().isZero()) {
      submit.replyTo().tell(new Accepted(state));
    } else if (state.terminal()) {
      submit.replyTo().tell(new Completed(state, List.of()));
    } else {
      ActorRef<JobWaiter.Command> waiter =
          context.spawn(
              JobWaiter.create(job.id(), submit.waitFor(), submit.replyTo(), context.getSelf()),
              "wait-" + job.id() + "-" + Long.toHexString(System.nanoTime()));
      context.watchWith(waiter, new WaiterGone(job.id(), waiter));
      job.addWaiter(waiter);
    }
    // The first batches leave before the writer starts: a one-input job's round trip is shorter
    // by the writer's start.
    actions.firstRound().run();
    job.results().start(spawnWriter(job, 0, 0));
    if (state.terminal()) {
      actions.finish().accept(job);
    }
    jobs.flushResults();
  }

  /** Starts the writer of a job's results, after the {@code bytes} its log holds already. */
  private ActorRef<ResultWriter.Command> spawnWriter(Job job, long bytes, long results) {
    return context.spawn(
        ResultWriter.create(
            new ResultWriter.Setup(
                job.log(),
                job.id(),
                bytes,
                results,
                durability.syncInterval(),
                // An ended job's inputs are not read again, even after a restart.
                () -> {
                  if (durability.inputs() != null) {
                    durability.inputs().delete(job.id());
                  }
                }),
            blobs,
            durability.journal(),
            context.getSelf(),
            ResultsWritten::new),
        "results-" + job.id(),
        DispatcherSelector.blocking());
  }

  /**
   * Keeps a streamed upload's inputs, which follow the job's first {@code first}: appended to its
   * stream file and synced, then journaled; the coordinator hears of it ({@link InputsKept}) and
   * only then lets them in. One upload per job is kept at a time, so the file holds them in order.
   */
  void keep(Job job, ClientRequests.AddInputs add, long first) {
    long total = first + add.inputs().size();
    CompletionStage<Void> kept =
        CompletableFuture.runAsync(
                () -> durability.inputs().append(job.id(), add.inputs()), blocking)
            .thenCompose(
                written ->
                    durability.journal().record(job.id(), new JobRecordEvent.InputsAdded(total)));
    context.pipeToSelf(kept, (done, failure) -> new InputsKept(job.id(), add, failure));
  }

  /**
   * Forgets a job's journal and its kept inputs, and the copy of its result log {@code log} a
   * standby would read, so a restart does not bring it back.
   */
  void forget(String jobId, java.nio.file.Path log) {
    if (durability.journal().durable()) {
      durability
          .journal()
          .forget(jobId)
          .thenRunAsync(
              () -> {
                durability.inputs().delete(jobId);
                try {
                  durability.journal().files().delete(log);
                } catch (java.io.IOException e) {
                  org.slf4j.LoggerFactory.getLogger(JobIntake.class)
                      .warn(
                          "job {} is forgotten, but not its results' copy: {}",
                          jobId,
                          e.getMessage());
                }
              },
              blocking);
    }
  }
}
