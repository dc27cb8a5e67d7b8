package cohort.coordinator;

import cohort.coordinator.admission.Admissions;
import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.dispatch.Dispatcher;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.dispatch.Rebalancer;
import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.NodeLost;
import cohort.coordinator.job.JobState;
import cohort.coordinator.jobs.Job;
import cohort.coordinator.jobs.JobRegistry;
import cohort.coordinator.jobs.JobWaiter;
import cohort.coordinator.metrics.CoordinatorMetrics;
import cohort.coordinator.placement.NodeWaits;
import cohort.coordinator.recovery.Durability;
import cohort.coordinator.results.ResultWriter;
import cohort.coordinator.scheduling.Admission;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.BatchProgress;
import cohort.protocol.CoordinatorProtocol.BatchesReturned;
import cohort.protocol.CoordinatorProtocol.NodeDraining;
import cohort.protocol.CoordinatorProtocol.RegisterNode;
import cohort.protocol.CoordinatorProtocol.StartRequested;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.Registered;
import cohort.protocol.WorkerProtocol.StartConfirmed;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The coordinator: accepts jobs, sends their batches to nodes as the nodes have credit, collects
 * results, and answers the HTTP API.
 *
 * <p>It routes; plain parts decide: {@link Admissions} whether a job may run, {@link Dispatcher}
 * which batches go where, {@link NodeTable} what each node holds, each job's {@link JobState} what
 * its results are, {@link JobRegistry} which jobs it remembers, {@link JobIntake} how a job is
 * journaled and started. Node registrations, progress and results come from other JVMs ({@link
 * CoordinatorProtocol}); cluster membership through {@link Membership}; the HTTP API asks with
 * {@link ClientRequests}, answered about jobs that exist by {@link ClientJobRequests} and about a
 * streamed job's inputs by {@link InputRequests}. Each job's results go to a {@link ResultWriter}
 * child that spools them to disk for the HTTP streams, and a request that waits for a job's end
 * gets a {@link JobWaiter} child of its own.
 */
public final class Coordinator extends AbstractBehavior<CoordinatorProtocol.Command> {

  private final CoordinatorSettings settings;
  private final Clock clock;
  private final Executor blocking;
  private final String address;
  private ClientRequests.HttpServing http = ClientRequests.HttpServing.NOT_YET;

  private NodeTable nodes = NodeTable.empty();
  private final JobRegistry jobs;
  private final ActorRef<Admissions.Command> admissions;
  private final Dispatcher dispatcher;
  private final Rounds rounds;
  private final Membership membership;
  private final InputRequests inputs;
  private final ClientJobRequests jobRequests;
  private final Durability durability;
  private final JobIntake intake;

  /**
   * Creates the coordinator.
   *
   * @param dataDir where result logs are written
   * @param blobs the file inputs clients send
   * @param clock the time jobs are stamped with
   * @param durability how jobs are kept across a restart, and those this start recovered
   */
  public static Behavior<CoordinatorProtocol.Command> create(
      CoordinatorSettings settings,
      Path dataDir,
      BlobStore blobs,
      Clock clock,
      Durability durability) {
    return Behaviors.withTimers(
        timers ->
            Behaviors.setup(
                context ->
                    new Coordinator(context, timers, settings, dataDir, blobs, clock, durability)));
  }

  private Coordinator(
      ActorContext<CoordinatorProtocol.Command> context,
      TimerScheduler<CoordinatorProtocol.Command> timers,
      CoordinatorSettings settings,
      Path dataDir,
      BlobStore blobs,
      Clock clock,
      Durability durability) {
    super(context);
    this.durability = durability;
    this.settings = settings;
    this.clock = clock;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.jobs =
        new JobRegistry(
            dataDir,
            settings.retainedJobs(),
            durability.recovered().stream().map(job -> job.state().id()).toList(),
            durability.journal().durable() ? this::keep : null,
            CoordinatorMetrics.get(context.getSystem()));
    this.dispatcher =
        new Dispatcher(
            settings.batching(),
            settings.moveQueuedOver().map(Rebalancer::new).orElseGet(Rebalancer::off),
            context.getSelf(),
            new Admission(settings.limits().maxRunningJobs()));
    this.rounds = new Rounds(dispatcher, timers, clock);
    this.admissions =
        context.spawn(Admissions.create(context.getSelf(), settings.checkTimeout()), "admissions");
    this.membership =
        new Membership(
            context, this::lose, () -> admissions.tell(Admissions.Forget.INSTANCE), clock);
    this.address = membership.selfAddress();
    this.jobRequests = new ClientJobRequests(jobs, durability.journal(), () -> nodes, this::apply);
    this.inputs =
        new InputRequests(
            jobs,
            dispatcher,
            admissions,
            address,
            clock,
            context.getLog(),
            settings.limits(),
            new InputRequests.Actions(
                () -> nodes,
                this::apply,
                this::dispatch,
                jobRequests::cancel,
                durability.journal()));
    context
        .getSystem()
        .receptionist()
        .tell(Receptionist.register(CoordinatorProtocol.SERVICE_KEY, context.getSelf()));
    this.intake =
        new JobIntake(
            context,
            settings,
            jobs,
            blobs,
            clock,
            durability,
            new JobIntake.Actions(this::firstRound, this::finish, this::noteWaits));
    intake.restore(address, dataDir);
  }

  /** Keeps a streamed upload's inputs before they go in; see {@link JobIntake#keep}. */
  private void keep(Job job, ClientRequests.AddInputs add, long first) {
    intake.keep(job, add, first);
  }

  @Override
  public Receive<CoordinatorProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RegisterNode.class, this::onRegisterNode)
        .onMessage(BatchProgress.class, this::onBatchProgress)
        .onMessage(BatchFinished.class, this::onBatchFinished)
        .onMessage(StartRequested.class, this::onStartRequested)
        .onMessage(BatchesReturned.class, this::onBatchesReturned)
        .onMessage(NodeDraining.class, this::onNodeDraining)
        .onMessage(
            CoordinatorProtocol.NodeStats.class, stats -> routed(() -> membership.reported(stats)))
        .onMessage(Membership.Lost.class, this::onNodeLost)
        .onMessage(Membership.Reachable.class, this::onNodeReachable)
        .onMessage(JobIntake.ResultsWritten.class, this::onResultsWritten)
        .onMessage(Rounds.RateTick.class, tick -> routed(this::dispatch))
        .onMessage(JobIntake.WaiterGone.class, this::onWaiterGone)
        .onMessage(ClientRequests.SubmitJob.class, this::onSubmitJob)
        .onMessage(Admissions.Admitted.class, admitted -> accept(admitted.submit()))
        .onMessage(
            JobIntake.Journaled.class, journaled -> routed(() -> intake.journaled(journaled)))
        .onMessage(ClientRequests.GetJob.class, get -> routed(() -> jobRequests.get(get)))
        .onMessage(ClientRequests.ListJobs.class, list -> routed(() -> jobRequests.list(list)))
        .onMessage(
            ClientRequests.CancelJob.class,
            cancel -> ended(() -> jobRequests.cancelRequested(cancel)))
        .onMessage(ClientRequests.OpenResults.class, open -> routed(() -> jobRequests.open(open)))
        .onMessage(ClientRequests.AddInputs.class, add -> routed(() -> inputs.add(add)))
        .onMessage(JobIntake.InputsKept.class, kept -> routed(() -> inputs.kept(kept)))
        .onMessage(ClientRequests.CheckInputs.class, check -> routed(() -> inputs.check(check)))
        .onMessage(ClientRequests.CloseInputs.class, close -> routed(() -> inputs.close(close)))
        .onMessage(ClientRequests.AbortInputs.class, abort -> ended(() -> inputs.abort(abort)))
        .onMessage(ClientRequests.HttpServing.class, this::onHttpServing)
        .onMessage(ClientRequests.GetCluster.class, this::onGetCluster)
        .onMessage(ClientRequests.GetTasks.class, this::onGetTasks)
        .build();
  }

  /**
   * Runs what ends a job on request, then a round: a job that waited in line for a place may run
   * now, even when the one that ended had nothing out on the nodes to report back.
   */
  private Behavior<CoordinatorProtocol.Command> ended(Runnable handling) {
    handling.run();
    dispatch();
    return this;
  }

  /** Runs what a plain part does for a message; the coordinator stays as it is. */
  private Behavior<CoordinatorProtocol.Command> routed(Runnable handling) {
    handling.run();
    return this;
  }

  // ---- nodes --------------------------------------------------------------------------------

  private Behavior<CoordinatorProtocol.Command> onRegisterNode(RegisterNode register) {
    nodes = membership.register(register, nodes, settings.batching().maxPrefetch(), http);
    noteWaits();
    dispatch();
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onNodeLost(Membership.Lost lost) {
    nodes = membership.lost(lost, nodes);
    noteWaits();
    dispatch();
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onNodeReachable(Membership.Reachable changed) {
    nodes = membership.reachable(changed, nodes, jobs::expects);
    noteWaits();
    dispatch();
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onNodeDraining(NodeDraining draining) {
    nodes = membership.draining(draining, nodes);
    noteWaits();
    return this;
  }

  /**
   * Tells every job that holds work on the node that the node is lost; returns how many batches
   * that was. Only the batches the node reported it had started count a failure against their
   * inputs; the rest were waiting in its queue and simply run again.
   */
  private int lose(NodeTable.Node node, String why) {
    int held = 0;
    for (JobRegistry.Holding holding : jobs.heldOn(node)) {
      held += holding.batches();
      apply(holding.job(), new NodeLost(node.id(), why, holding.running()));
    }
    return held;
  }

  // ---- progress and results -----------------------------------------------------------------

  private Behavior<CoordinatorProtocol.Command> onBatchProgress(BatchProgress progress) {
    String node = NodeTable.idOf(progress.worker());
    for (BatchKey started : progress.started()) {
      nodes = nodes.started(node, started);
    }
    progress.parts().forEach(part -> handle(node, part));
    dispatch();
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onBatchFinished(BatchFinished finished) {
    handle(NodeTable.idOf(finished.worker()), finished);
    dispatch();
    return this;
  }

  private void handle(String node, BatchFinished finished) {
    BatchKey key = new BatchKey(finished.jobId(), finished.batchId());
    // A part of a batch's results says the node runs it, whether or not it reported the start.
    nodes = finished.last() ? nodes.returned(node, key) : nodes.started(node, key);
    membership.ran(node, finished);
    jobs.get(finished.jobId()).ifPresent(job -> apply(job, BatchCompleted.of(finished)));
  }

  /**
   * A node is about to run a batch that runs again: it may, if the job still waits for it there.
   * From now on the batch counts as running on the node.
   */
  private Behavior<CoordinatorProtocol.Command> onStartRequested(StartRequested request) {
    String node = NodeTable.idOf(request.worker());
    BatchKey key = request.batch();
    boolean run =
        nodes.get(node).map(n -> n.outstanding().contains(key)).orElse(false) && jobs.expects(key);
    if (run) {
      nodes = nodes.started(node, key);
    }
    request.worker().tell(new StartConfirmed(key, run));
    return this;
  }

  /** A node gave back queued batches, so that idle slots elsewhere run them. */
  private Behavior<CoordinatorProtocol.Command> onBatchesReturned(BatchesReturned returned) {
    String node = NodeTable.idOf(returned.worker());
    nodes = dispatcher.returned(nodes, jobs, node, returned.batches(), clock.instant());
    dispatch();
    return this;
  }

  /** The writer caught up with some results; a job it held back may send work again. */
  private Behavior<CoordinatorProtocol.Command> onResultsWritten(JobIntake.ResultsWritten written) {
    Optional<Job> job = jobs.get(written.jobId());
    if (job.isPresent() && job.get().results().written(written.count())) {
      dispatch();
    }
    return this;
  }

  /** Sends what can be sent now, then hands the released results to the writers. */
  private void dispatch() {
    nodes = rounds.run(nodes, jobs);
    jobs.flushResults();
  }

  /** Tells each running job whether some node can run it now: its status says why it waits. */
  private void noteWaits() {
    NodeWaits.note(jobs, nodes, getContext().getLog(), this::apply);
  }

  /** Applies an event to a job, and ends the job when it is done. */
  private void apply(Job job, JobEvent event) {
    if (job.apply(event, clock.instant())) {
      finish(job);
    }
  }

  private void finish(Job job) {
    // Nodes release what they keep for the job (its task's per-node setup) once it ends there.
    WorkerProtocol.JobEnded ended = new WorkerProtocol.JobEnded(job.id());
    nodes.nodes().forEach(node -> node.worker().tell(ended));
    for (Job old : jobs.ended(job, clock.instant())) {
      CompletableFuture.runAsync(old.log()::delete, blocking);
      intake.forget(old.id(), old.log().file());
    }
  }

  // ---- jobs ---------------------------------------------------------------------------------

  private Behavior<CoordinatorProtocol.Command> onSubmitJob(ClientRequests.SubmitJob submit) {
    if (intake.withinLimits(submit)) {
      admissions.tell(new Admissions.Judge(submit, nodes, address));
    }
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> accept(ClientRequests.SubmitJob submit) {
    intake.accept(submit, nodes);
    return this;
  }

  /** Sends the first batches of a job that just started: it need not wait for its writer. */
  private void firstRound() {
    nodes = rounds.run(nodes, jobs);
  }

  private Behavior<CoordinatorProtocol.Command> onWaiterGone(JobIntake.WaiterGone gone) {
    jobs.get(gone.jobId()).ifPresent(job -> job.removeWaiter(gone.waiter()));
    return this;
  }

  // ---- the cluster --------------------------------------------------------------------------

  private Behavior<CoordinatorProtocol.Command> onHttpServing(ClientRequests.HttpServing serving) {
    http = serving;
    for (NodeTable.Node node : nodes.nodes()) {
      node.worker().tell(new Registered(address, http.url(), http.nodeToken()));
    }
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onGetCluster(ClientRequests.GetCluster get) {
    get.replyTo().tell(membership.view(nodes, jobs.activeCount(), jobs.logBytes()));
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onGetTasks(ClientRequests.GetTasks get) {
    get.replyTo().tell(nodes.tasks());
    return this;
  }
}
