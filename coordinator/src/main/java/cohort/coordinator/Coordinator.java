package cohort.coordinator;

import cohort.api.ClusterStatus;
import cohort.api.JobStatus;
import cohort.api.TaskInfo;
import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.job.Batch;
import cohort.coordinator.job.Combiner;
import cohort.coordinator.job.InputSource;
import cohort.coordinator.job.JobEvent;
import cohort.coordinator.job.JobEvent.BatchCompleted;
import cohort.coordinator.job.JobEvent.Cancelled;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.coordinator.job.JobEvent.InputsAdded;
import cohort.coordinator.job.JobEvent.InputsClosed;
import cohort.coordinator.job.JobEvent.NodeLost;
import cohort.coordinator.job.JobSpec;
import cohort.coordinator.job.JobState;
import cohort.coordinator.job.ResultBlock;
import cohort.coordinator.job.StreamedInputs;
import cohort.coordinator.results.ResultLog;
import cohort.coordinator.results.ResultWriter;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.NodeDraining;
import cohort.protocol.CoordinatorProtocol.RegisterNode;
import cohort.protocol.HostPort;
import cohort.protocol.Payloads;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.CheckTask;
import cohort.protocol.WorkerProtocol.Registered;
import cohort.protocol.WorkerProtocol.RegistrationRefused;
import cohort.protocol.WorkerProtocol.RunBatch;
import cohort.protocol.WorkerProtocol.TaskChecked;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The coordinator: accepts jobs, splits them into batches, sends batches to nodes as they have
 * credit, collects results, and answers the HTTP API.
 *
 * <p>It owns two immutable values, the {@link NodeTable} and each job's {@link JobState}, and only
 * routes messages to them. Node registrations and results come from other JVMs ({@link
 * CoordinatorProtocol}); the HTTP API talks to it with the local messages nested here. Each job's
 * results go to a {@link ResultWriter} child that spools them to disk for the HTTP streams.
 */
public final class Coordinator extends AbstractBehavior<CoordinatorProtocol.Command> {

  // ---- local protocol: the HTTP API's questions; never crosses JVMs -------------------------

  /**
   * Accept a job, once a node has checked its task and parameters.
   *
   * @param taskCombiner use the task's default combiner, as the job named none
   * @param waitFor zero to answer {@link Accepted} at once; otherwise answer {@link Completed} when
   *     the job ends or this time has passed, whichever is first
   */
  public record SubmitJob(
      JobSpec spec,
      InputSource inputs,
      boolean taskCombiner,
      Duration waitFor,
      ActorRef<SubmitReply> replyTo)
      implements CoordinatorProtocol.Command {

    /** A submission answered as soon as the job is accepted. */
    public SubmitJob(
        JobSpec spec, InputSource inputs, boolean taskCombiner, ActorRef<SubmitReply> replyTo) {
      this(spec, inputs, taskCombiner, Duration.ZERO, replyTo);
    }
  }

  /** Answer to {@link SubmitJob}. */
  public sealed interface SubmitReply {}

  /** The job was accepted. */
  public record Accepted(JobStatus status) implements SubmitReply {}

  /**
   * A job submitted with a wait ended, or the wait ran out first (the status is not terminal).
   *
   * @param results every result in delivery order, or null when the wait ran out or there were more
   *     than {@link #MAX_INLINE_RESULTS}: then they are read from the job's result log
   */
  public record Completed(JobStatus status, List<ResultBlock> results) implements SubmitReply {}

  /**
   * The job was refused.
   *
   * @param httpStatus 400 when the job is wrong, 503 when the cluster cannot take it now
   * @param error what is wrong and how to fix it
   */
  public record Rejected(int httpStatus, String error) implements SubmitReply {}

  /** The job's status, or empty for an unknown id. */
  public record GetJob(String id, ActorRef<Optional<JobStatus>> replyTo)
      implements CoordinatorProtocol.Command {}

  /** Every job the coordinator remembers, oldest first. */
  public record ListJobs(ActorRef<List<JobStatus>> replyTo)
      implements CoordinatorProtocol.Command {}

  /** Cancel a job; answers its status after the cancel, or empty for an unknown id. */
  public record CancelJob(String id, ActorRef<Optional<JobStatus>> replyTo)
      implements CoordinatorProtocol.Command {}

  /** The job's result log, or empty for an unknown id. */
  public record OpenResults(String id, ActorRef<Optional<ResultLog>> replyTo)
      implements CoordinatorProtocol.Command {}

  /**
   * Append inputs to a streamed job. The answer waits until the job has room for them, which is how
   * a slow cluster slows the producer down.
   */
  public record AddInputs(String id, List<JsonNode> inputs, ActorRef<InputsReply> replyTo)
      implements CoordinatorProtocol.Command {}

  /** A streamed job's inputs have ended. */
  public record CloseInputs(String id, ActorRef<InputsReply> replyTo)
      implements CoordinatorProtocol.Command {}

  /** A streamed job's upload broke: cancel the job, since its inputs cannot be complete. */
  public record AbortInputs(String id, String reason) implements CoordinatorProtocol.Command {}

  /** Answer to {@link AddInputs} and {@link CloseInputs}. */
  public sealed interface InputsReply {}

  /** The inputs were admitted; the job has {@code total} inputs so far. */
  public record InputsAccepted(long total) implements InputsReply {}

  /**
   * The inputs were refused.
   *
   * @param httpStatus 404 for an unknown job, 409 for a job that takes no more inputs
   */
  public record InputsRefused(int httpStatus, String error) implements InputsReply {}

  /** The HTTP API serves at {@code url}: nodes fetch file inputs from there. */
  public record HttpServing(String url) implements CoordinatorProtocol.Command {}

  /** The nodes and their slots. */
  public record GetCluster(ActorRef<ClusterStatus> replyTo)
      implements CoordinatorProtocol.Command {}

  /** Every task some node offers. */
  public record GetTasks(ActorRef<List<TaskInfo>> replyTo) implements CoordinatorProtocol.Command {}

  // ---- private messages ---------------------------------------------------------------------

  private record TaskCheckDone(
      SubmitJob submit, Set<String> asked, String node, TaskChecked reply, Throwable failure)
      implements CoordinatorProtocol.Command {}

  private record WorkerStopped(ActorRef<WorkerProtocol.Command> worker)
      implements CoordinatorProtocol.Command {}

  private record ResultsWritten(String jobId, int count) implements CoordinatorProtocol.Command {}

  private record WaitOver(String jobId) implements CoordinatorProtocol.Command {}

  private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event)
      implements CoordinatorProtocol.Command {}

  private record MemberRemoved(ClusterEvent.MemberRemoved event)
      implements CoordinatorProtocol.Command {}

  /** A job's mutable slot in the registry: its state value and the things that serve it. */
  private static final class Job {
    JobState state;
    final InputSource inputs;
    final ResultLog log;

    /** Writes the results to the log; spawned once the job's first batches are on their way. */
    ActorRef<ResultWriter.Command> writer;

    /** Uploads of a streamed job waiting for room, oldest first. */
    final ArrayDeque<AddInputs> waiting = new ArrayDeque<>();

    /** Results handed to the writer and not written yet: held in memory until they are. */
    long unwritten;

    /** Results released this round, for the writer. */
    List<ResultBlock> releasedBlocks = new ArrayList<>();

    /** Whether the writer was told the job is over. */
    boolean closed;

    /** Who waits for the job's end, if anyone; answered once. */
    ActorRef<SubmitReply> waiter;

    /** The job's results so far for its waiter; null once there are too many to answer with. */
    List<ResultBlock> kept;

    long keptCount;

    Job(JobState state, InputSource inputs, ResultLog log) {
      this.state = state;
      this.inputs = inputs;
      this.log = log;
    }
  }

  /** Batches for one node sent in one message, at most. */
  static final int MAX_COALESCED = 64;

  /** Batches larger than this travel alone. */
  static final int MAX_COALESCED_INPUTS = 16;

  /** Nodes asked in turn to check a job's task before the job is refused. */
  public static final int MAX_CHECKERS = 2;

  /** Results a waited job answers with at most; beyond, they are read from its result log. */
  public static final int MAX_INLINE_RESULTS = 10_000;

  /** Task checks remembered at most; beyond, the memory starts over. */
  static final int MAX_VERDICTS = 1024;

  /**
   * Results of one job that may wait for its writer before the job sends no more work: the writer
   * is slower than the nodes at times, and results waiting for the disk are held in memory.
   */
  static final long MAX_UNWRITTEN = 50_000;

  /** The fewest inputs a streamed job may buffer, whatever its batches. */
  static final long MIN_STREAM_BUFFER = 64;

  private final CoordinatorSettings settings;
  private final Path dataDir;
  private final BlobStore blobs;
  private String httpUrl;
  private final ObjectMapper json;
  private final Clock clock;
  private final String address;
  private final String incarnation;
  private long sequence;

  /** Batches sent so far, across jobs: their order on each node. */
  private long dispatched;

  private NodeTable nodes = NodeTable.empty();

  /** Batches chosen in the current round of dispatch, by node, sent when the round ends. */
  private final Map<ActorRef<WorkerProtocol.Command>, List<RunBatch>> outbox =
      new LinkedHashMap<>();

  private final Map<String, TaskNodes> taskNodes = new java.util.HashMap<>();
  private final java.util.Set<Job> pendingResults = new java.util.LinkedHashSet<>();

  /**
   * Nodes' verdicts on tasks and parameters, so a repeated job skips the round trip of a check;
   * forgotten whenever a node joins or leaves, as the new set of nodes may judge differently.
   */
  private final Map<cohort.protocol.TaskSpec, TaskChecked> verdicts = new java.util.HashMap<>();

  private final TimerScheduler<CoordinatorProtocol.Command> timers;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final ArrayDeque<String> active = new ArrayDeque<>();
  private final ArrayDeque<String> finished = new ArrayDeque<>();

  /**
   * Creates the coordinator.
   *
   * @param dataDir where result logs are written
   * @param blobs the file inputs clients send
   * @param json writes result lines
   * @param clock the time jobs are stamped with
   */
  public static Behavior<CoordinatorProtocol.Command> create(
      CoordinatorSettings settings, Path dataDir, BlobStore blobs, ObjectMapper json, Clock clock) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new Coordinator(context, timers, settings, dataDir, blobs, json, clock)));
  }

  private Coordinator(
      ActorContext<CoordinatorProtocol.Command> context,
      TimerScheduler<CoordinatorProtocol.Command> timers,
      CoordinatorSettings settings,
      Path dataDir,
      BlobStore blobs,
      ObjectMapper json,
      Clock clock) {
    super(context);
    this.timers = timers;
    this.settings = settings;
    this.dataDir = dataDir;
    this.blobs = blobs;
    this.json = json;
    this.clock = clock;
    this.address = HostPort.of(Cluster.get(context.getSystem()).selfMember().address()).toString();
    this.incarnation =
        Long.toString(ThreadLocalRandom.current().nextLong(36 * 36, 36 * 36 * 36), 36);
    context
        .getSystem()
        .receptionist()
        .tell(Receptionist.register(CoordinatorProtocol.SERVICE_KEY, context.getSelf()));
    Cluster cluster = Cluster.get(context.getSystem());
    cluster
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(
                    ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new),
                ClusterEvent.ReachabilityEvent.class));
    cluster
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(ClusterEvent.MemberRemoved.class, MemberRemoved::new),
                ClusterEvent.MemberRemoved.class));
    context.getLog().info("coordinator {} started; results spool in {}", address, dataDir);
  }

  @Override
  public Receive<CoordinatorProtocol.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RegisterNode.class, this::onRegisterNode)
        .onMessage(BatchFinished.class, this::onBatchFinished)
        .onMessage(CoordinatorProtocol.BatchProgress.class, this::onBatchProgress)
        .onMessage(WorkerStopped.class, this::onWorkerStopped)
        .onMessage(ResultsWritten.class, this::onResultsWritten)
        .onMessage(WaitOver.class, this::onWaitOver)
        .onMessage(ReachabilityChanged.class, this::onReachabilityChanged)
        .onMessage(MemberRemoved.class, this::onMemberRemoved)
        .onMessage(NodeDraining.class, this::onNodeDraining)
        .onMessage(SubmitJob.class, this::onSubmitJob)
        .onMessage(TaskCheckDone.class, this::onTaskCheckDone)
        .onMessage(GetJob.class, this::onGetJob)
        .onMessage(ListJobs.class, this::onListJobs)
        .onMessage(CancelJob.class, this::onCancelJob)
        .onMessage(OpenResults.class, this::onOpenResults)
        .onMessage(AddInputs.class, this::onAddInputs)
        .onMessage(CloseInputs.class, this::onCloseInputs)
        .onMessage(AbortInputs.class, this::onAbortInputs)
        .onMessage(GetCluster.class, this::onGetCluster)
        .onMessage(HttpServing.class, this::onHttpServing)
        .onMessage(GetTasks.class, this::onGetTasks)
        .build();
  }

  // ---- nodes --------------------------------------------------------------------------------

  private Behavior<CoordinatorProtocol.Command> onRegisterNode(RegisterNode register) {
    ActorRef<WorkerProtocol.Command> worker = register.worker();
    if (register.version() != CoordinatorProtocol.VERSION) {
      String reason =
          String.format(
              "protocol version mismatch: the node speaks version %d, the coordinator %d. "
                  + "Run the same Cohort build on every machine.",
              register.version(), CoordinatorProtocol.VERSION);
      getContext().getLog().warn("refused node {}: {}", worker.path().address(), reason);
      worker.tell(new RegistrationRefused(reason));
      return this;
    }
    String node = nodeAddress(worker);
    boolean known = nodes.get(NodeTable.idOf(worker)).isPresent();
    nodes =
        nodes.registered(
            worker, node, register.slots(), settings.batching().maxPrefetch(), register.tasks());
    if (!known) {
      verdicts.clear();
      getContext().watchWith(worker, new WorkerStopped(worker));
      getContext()
          .getLog()
          .info(
              "node {} joined with {} slots; the cluster has {} nodes, {} slots",
              node,
              register.slots(),
              nodes.nodes().size(),
              nodes.view(address, active.size()).slots());
    }
    worker.tell(new Registered(address, httpUrl));
    dispatch();
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onWorkerStopped(WorkerStopped stopped) {
    nodes.get(NodeTable.idOf(stopped.worker())).ifPresent(node -> forget(node, "it stopped"));
    dispatch();
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onMemberRemoved(MemberRemoved removed) {
    String member = HostPort.of(removed.event().member().address()).toString();
    for (NodeTable.Node node : nodes.at(member)) {
      forget(node, "it was removed from the cluster");
    }
    dispatch();
    return this;
  }

  /**
   * The failure detector doubts a node: everything it holds runs again elsewhere at once, not after
   * the node is downed. If it comes back, its late results are duplicates and dropped.
   */
  private Behavior<CoordinatorProtocol.Command> onReachabilityChanged(ReachabilityChanged changed) {
    String member = HostPort.of(changed.event().member().address()).toString();
    boolean reachable = changed.event() instanceof ClusterEvent.ReachableMember;
    for (NodeTable.Node node : nodes.at(member)) {
      nodes = nodes.reachable(node.id(), reachable);
      if (reachable) {
        getContext().getLog().info("node {} is reachable again", node.address());
      } else {
        int batches = lose(node, "the cluster lost contact with it");
        getContext()
            .getLog()
            .warn(
                "node {} is unreachable; {} batches it held run again elsewhere",
                node.address(),
                batches);
      }
    }
    dispatch();
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onNodeDraining(NodeDraining draining) {
    String id = NodeTable.idOf(draining.worker());
    nodes
        .get(id)
        .ifPresent(node -> getContext().getLog().info("node {} is draining", node.address()));
    nodes = nodes.draining(id);
    return this;
  }

  /** Removes a node; what it still held runs again elsewhere. */
  private void forget(NodeTable.Node node, String why) {
    int batches = lose(node, why);
    nodes = nodes.removed(node.id());
    verdicts.clear();
    getContext()
        .getLog()
        .info(
            "node {} left ({}); {} batches it held run again elsewhere; {} nodes remain",
            node.address(),
            why,
            batches,
            nodes.nodes().size());
  }

  /**
   * Tells every job that holds work on the node that the node is lost; returns the batches. The
   * node ran its batches in the order they were sent, as many at once as it has slots, so the
   * oldest ones it held were running: only those are blamed.
   */
  private int lose(NodeTable.Node node, String why) {
    List<JobState.InFlight> held = new ArrayList<>();
    for (String id : active) {
      for (JobState.InFlight flight : jobs.get(id).state.inFlight()) {
        if (flight.node().equals(node.id())) {
          held.add(flight);
        }
      }
    }
    held.sort(java.util.Comparator.comparingLong(JobState.InFlight::sequence));
    java.util.Set<Long> running = new java.util.HashSet<>();
    for (int i = 0; i < Math.min(node.slots(), held.size()); i++) {
      running.add(held.get(i).sequence());
    }
    for (String id : List.copyOf(active)) {
      Job job = jobs.get(id);
      if (!job.state.holdsWorkOn(node.id())) {
        continue;
      }
      java.util.Set<Long> suspects = new java.util.HashSet<>();
      for (JobState.InFlight flight : job.state.inFlight()) {
        if (flight.node().equals(node.id()) && running.contains(flight.sequence())) {
          suspects.add(flight.batch().id());
        }
      }
      apply(job, new NodeLost(node.id(), why, suspects));
    }
    return held.size();
  }

  private String nodeAddress(ActorRef<?> ref) {
    Address remote = ref.path().address();
    return remote.hasLocalScope() ? address : HostPort.of(remote).toString();
  }

  // ---- dispatch and results -----------------------------------------------------------------

  /**
   * Sends batches while some node has credit and some job has work it can run, then lets waiting
   * streamed inputs in where jobs have room again.
   */
  private void dispatch() {
    route();
    flushOutbox();
    flushResults();
  }

  /** Chooses the batches of this round of dispatch; {@link #flushOutbox} sends them. */
  private void route() {
    taskNodes.clear();
    boolean progress = !active.isEmpty();
    while (progress) {
      boolean sent = true;
      while (sent) {
        sent = false;
        for (NodeTable.Node node : nodes.withCredit()) {
          sent |= sendOne(node);
        }
      }
      progress = admitWaiting();
    }
  }

  /**
   * Which nodes can run a task, worked out once per round of dispatch: credit changes during a
   * round, the nodes that offer a task do not.
   */
  private final class TaskNodes {
    final int slots;
    final java.util.Set<String> candidates;

    TaskNodes(String task) {
      this.slots = nodes.slotsFor(task);
      this.candidates = nodes.candidates(task);
    }
  }

  /** Hands each job's results of this round to its writer, in one message. */
  private void flushResults() {
    for (Job job : pendingResults) {
      if (!job.releasedBlocks.isEmpty()) {
        job.writer.tell(new ResultWriter.Append(job.releasedBlocks));
        job.releasedBlocks = new ArrayList<>();
      }
      if (job.state.terminal() && !job.closed) {
        job.closed = true;
        job.writer.tell(ResultWriter.Close.INSTANCE);
      }
    }
    pendingResults.clear();
  }

  /**
   * Sends what this round of dispatch chose for each node: small batches for one node travel
   * together in one message; a large batch travels alone.
   */
  private void flushOutbox() {
    for (Map.Entry<ActorRef<WorkerProtocol.Command>, List<RunBatch>> entry : outbox.entrySet()) {
      // A message holds at most MAX_COALESCED batches and, unless one batch is that large alone,
      // TARGET_MESSAGE_BYTES of inputs: well within the transport's frame, which drops larger ones.
      List<RunBatch> group = new ArrayList<>();
      long bytes = 0;
      for (RunBatch batch : entry.getValue()) {
        long size = 0;
        for (JsonNode input : batch.inputs()) {
          size += Payloads.estimateBytes(input);
        }
        if (!group.isEmpty()
            && (group.size() == MAX_COALESCED || bytes + size > Payloads.TARGET_MESSAGE_BYTES)) {
          sendGroup(entry.getKey(), group);
          group = new ArrayList<>();
          bytes = 0;
        }
        group.add(batch);
        bytes += size;
      }
      sendGroup(entry.getKey(), group);
    }
    outbox.clear();
  }

  private static void sendGroup(ActorRef<WorkerProtocol.Command> worker, List<RunBatch> group) {
    if (!group.isEmpty()) {
      worker.tell(group.size() == 1 ? group.get(0) : WorkerProtocol.RunBatches.of(group));
    }
  }

  /** Admits uploads that waited for room; true if any got in (so there may be more to send). */
  private boolean admitWaiting() {
    boolean admitted = false;
    for (String id : List.copyOf(active)) {
      Job job = jobs.get(id);
      while (!job.waiting.isEmpty() && job.state.admitsInputs(bufferLimit(job))) {
        admit(job, job.waiting.pollFirst());
        admitted = true;
      }
    }
    return admitted;
  }

  /**
   * How many inputs a streamed job may hold before the next dispatch: two rounds of batches for
   * every node that can run it, and never fewer than {@link #MIN_STREAM_BUFFER}.
   */
  private long bufferLimit(Job job) {
    String task = job.state.spec().task().name();
    long batch = settings.batching().size(job.state, nodes.slotsFor(task));
    return Math.max(MIN_STREAM_BUFFER, 2L * nodes.capacityFor(task) * batch);
  }

  private void admit(Job job, AddInputs add) {
    ((StreamedInputs) job.inputs).append(add.inputs());
    apply(job, new InputsAdded(add.inputs().size()));
    add.replyTo().tell(new InputsAccepted(job.state.available()));
  }

  /** Sends the node one batch from the next job in turn that it can run; false if none. */
  private boolean sendOne(NodeTable.Node node) {
    for (int turn = active.size(); turn > 0; turn--) {
      String id = active.pollFirst();
      active.addLast(id);
      Job job = jobs.get(id);
      String task = job.state.spec().task().name();
      if (!job.state.hasWork() || !node.offers(task) || job.unwritten > MAX_UNWRITTEN) {
        continue;
      }
      TaskNodes where = taskNodes.computeIfAbsent(task, TaskNodes::new);
      int prefetch =
          settings.batching().prefetch(job.state, settings.batching().size(job.state, where.slots));
      if (node.outstanding().size() >= node.slots() * (1 + prefetch)) {
        continue; // the node holds enough of this job's work for now
      }
      Optional<Batch> next =
          settings
              .batching()
              .next(job.state, job.inputs, where.slots, node.address(), where.candidates);
      if (next.isEmpty()) {
        continue;
      }
      Batch batch = next.get();
      apply(job, new Dispatched(batch, node.id(), node.address(), ++dispatched));
      job.inputs.releaseBefore(job.state.nextFresh());
      nodes = nodes.taken(node.id(), new NodeTable.BatchKey(id, batch.id()));
      RunBatch run =
          new RunBatch(
              id,
              batch.id(),
              job.state.spec().task(),
              batch.firstIndex(),
              batch.inputs(),
              batch.attempt(),
              job.state.spec().taskTimeout().toMillis(),
              getContext().getSelf(),
              false);
      if (batch.size() > MAX_COALESCED_INPUTS) {
        node.worker().tell(run);
      } else {
        outbox.computeIfAbsent(node.worker(), worker -> new ArrayList<>()).add(run);
      }
      return true;
    }
    return false;
  }

  private Behavior<CoordinatorProtocol.Command> onBatchFinished(BatchFinished finished) {
    handle(NodeTable.idOf(finished.worker()), finished);
    dispatch();
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onBatchProgress(
      CoordinatorProtocol.BatchProgress finished) {
    String node = NodeTable.idOf(finished.worker());
    for (BatchFinished part : finished.parts()) {
      handle(node, part);
    }
    dispatch();
    return this;
  }

  private void handle(String node, BatchFinished finished) {
    if (finished.last()) {
      nodes = nodes.returned(node, new NodeTable.BatchKey(finished.jobId(), finished.batchId()));
    }
    Job job = jobs.get(finished.jobId());
    if (job != null) {
      apply(
          job,
          new BatchCompleted(
              finished.batchId(),
              finished.fromOffset(),
              finished.outputs(),
              finished.failures(),
              finished.last(),
              finished.busyNanos()));
    }
  }

  /**
   * Applies an event to a job and ends it when done. Released results wait for the end of the
   * round, when {@link #flushResults} hands them to the writer in one message.
   */
  private void apply(Job job, JobEvent event) {
    boolean wasTerminal = job.state.terminal();
    job.state = job.state.updated(event, clock.instant());
    if (!job.state.released().isEmpty()) {
      for (ResultBlock block : job.state.released()) {
        job.unwritten += block.size();
      }
      job.releasedBlocks.addAll(job.state.released());
      pendingResults.add(job);
      keep(job, job.state.released());
    }
    if (!wasTerminal && job.state.terminal()) {
      finish(job);
    }
  }

  /** Keeps released results for the job's waiter, up to {@link #MAX_INLINE_RESULTS}. */
  private static void keep(Job job, List<ResultBlock> released) {
    if (job.kept == null) {
      return;
    }
    for (ResultBlock block : released) {
      job.keptCount += block.size();
    }
    if (job.keptCount > MAX_INLINE_RESULTS) {
      job.kept = null;
    } else {
      job.kept.addAll(released);
    }
  }

  private void finish(Job job) {
    String id = job.state.id();
    pendingResults.add(job); // closed after its last results, at the end of the round
    for (AddInputs add : job.waiting) {
      add.replyTo()
          .tell(
              new InputsRefused(
                  409, "job " + id + " is " + job.state.phase() + "; it takes no more inputs"));
    }
    job.waiting.clear();
    active.remove(id);
    finished.addLast(id);
    JobStatus status = job.state.status(clock.instant());
    if (job.waiter != null) {
      timers.cancel(new WaitOver(id));
      job.waiter.tell(new Completed(status, job.kept));
      job.waiter = null;
      job.kept = null;
    }
    getContext()
        .getLog()
        .info(
            "job {} {}: {} succeeded, {} failed, in {} ms",
            id,
            status.state().name().toLowerCase(),
            status.succeeded(),
            status.failed(),
            status.elapsedMillis());
    while (finished.size() > settings.retainedJobs()) {
      Job old = jobs.remove(finished.pollFirst());
      if (old != null) {
        old.log.delete();
      }
    }
  }

  // ---- the API ------------------------------------------------------------------------------

  private Behavior<CoordinatorProtocol.Command> onSubmitJob(SubmitJob submit) {
    String task = submit.spec().task().name();
    if (nodes.isEmpty()) {
      submit
          .replyTo()
          .tell(
              new Rejected(
                  503,
                  "no node has joined the cluster yet; start one with: cohort node --join "
                      + address));
      return this;
    }
    boolean runnable =
        nodes.nodes().stream().anyMatch(node -> node.available() && node.offers(task));
    TaskChecked verdict = verdicts.get(submit.spec().task());
    if (!runnable) {
      submit.replyTo().tell(refusal(task));
    } else if (verdict != null) {
      judged(submit, verdict);
    } else if (!askToCheck(submit, Set.of())) {
      submit.replyTo().tell(refusal(task));
    }
    return this;
  }

  /**
   * Asks a node that offers the job's task, and was not asked before, to check the task and its
   * parameters; false when there is none.
   */
  private boolean askToCheck(SubmitJob submit, Set<String> asked) {
    String task = submit.spec().task().name();
    Optional<NodeTable.Node> checker =
        nodes.nodes().stream()
            .filter(node -> node.available() && node.offers(task) && !asked.contains(node.id()))
            .findFirst();
    if (checker.isEmpty()) {
      return false;
    }
    NodeTable.Node node = checker.get();
    Set<String> now = new java.util.HashSet<>(asked);
    now.add(node.id());
    getContext()
        .ask(
            TaskChecked.class,
            node.worker(),
            settings.checkTimeout(),
            replyTo -> new CheckTask(submit.spec().task(), replyTo),
            (reply, failure) ->
                new TaskCheckDone(submit, Set.copyOf(now), node.address(), reply, failure));
    return true;
  }

  private Behavior<CoordinatorProtocol.Command> onTaskCheckDone(TaskCheckDone done) {
    SubmitJob submit = done.submit();
    if (done.failure() != null) {
      // The node may have died just now, before the failure detector noticed: ask one other.
      if (done.asked().size() >= MAX_CHECKERS || !askToCheck(submit, done.asked())) {
        submit
            .replyTo()
            .tell(
                new Rejected(
                    503,
                    "node "
                        + done.node()
                        + " did not check the task within "
                        + settings.checkTimeout().toMillis()
                        + " ms, and no other node can; try again"));
      }
      return this;
    }
    if (verdicts.size() >= MAX_VERDICTS) {
      verdicts.clear();
    }
    verdicts.put(submit.spec().task(), done.reply());
    judged(submit, done.reply());
    return this;
  }

  /** Refuses the job or accepts it, as a node judged its task and parameters. */
  private void judged(SubmitJob submit, TaskChecked verdict) {
    if (!verdict.ok()) {
      submit.replyTo().tell(new Rejected(400, verdict.error()));
    } else {
      accept(submit);
    }
  }

  private void accept(SubmitJob submit) {
    JobSpec spec = submit.spec();
    if (submit.taskCombiner()) {
      spec = spec.withCombiner(taskCombiner(spec.task().name()));
    }
    String id = incarnation + "-" + (++sequence);
    ResultLog log = new ResultLog(dataDir.resolve(id + ".ndjson"));
    JobState state =
        submit.inputs() instanceof StreamedInputs
            ? JobState.streamed(id, spec, settings.orderedWindow(), clock.instant())
            : JobState.accepted(
                id, spec, submit.inputs().size(), settings.orderedWindow(), clock.instant());
    Job job = new Job(state, submit.inputs(), log);
    boolean waits = !submit.waitFor().isZero();
    if (waits) {
      job.waiter = submit.replyTo();
      job.kept = new ArrayList<>();
      timers.startSingleTimer(new WaitOver(id), submit.waitFor());
    }
    jobs.put(id, job);
    if (!waits) {
      submit.replyTo().tell(new Accepted(state.status(clock.instant())));
    }
    if (state.terminal()) {
      job.writer = spawnWriter(id, log);
      logAccepted(job);
      finish(job);
      dispatch();
      return;
    }
    active.addLast(id);
    // The first batches leave before the bookkeeping: a one-input job's round trip is shorter by
    // the writer's start.
    route();
    flushOutbox();
    job.writer = spawnWriter(id, log);
    logAccepted(job);
    flushResults();
  }

  private ActorRef<ResultWriter.Command> spawnWriter(String id, ResultLog log) {
    return getContext()
        .spawn(
            ResultWriter.create(log, json, id, blobs, getContext().getSelf(), ResultsWritten::new),
            "results-" + id,
            DispatcherSelector.blocking());
  }

  private void logAccepted(Job job) {
    JobState state = job.state;
    getContext()
        .getLog()
        .info(
            "job {} accepted: task {}, {}",
            state.id(),
            state.spec().task().name(),
            state.inputsOpen() ? "inputs streamed" : state.available() + " inputs");
  }

  /** A waited job outlasted its wait: its waiter gets the status and reads results later. */
  private Behavior<CoordinatorProtocol.Command> onWaitOver(WaitOver over) {
    Job job = jobs.get(over.jobId());
    if (job != null && job.waiter != null) {
      job.waiter.tell(new Completed(status(job), null));
      job.waiter = null;
      job.kept = null;
    }
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onGetJob(GetJob get) {
    get.replyTo().tell(Optional.ofNullable(jobs.get(get.id())).map(job -> status(job)));
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onListJobs(ListJobs list) {
    List<JobStatus> all = new ArrayList<>();
    for (Job job : jobs.values()) {
      all.add(status(job));
    }
    list.replyTo().tell(all);
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onCancelJob(CancelJob cancel) {
    Job job = jobs.get(cancel.id());
    if (job == null) {
      cancel.replyTo().tell(Optional.empty());
      return this;
    }
    if (!job.state.terminal()) {
      cancel(job, "cancelled on request");
      flushResults();
    }
    cancel.replyTo().tell(Optional.of(status(job)));
    return this;
  }

  /** Cancels a job and tells every node, so running tasks are interrupted everywhere. */
  private void cancel(Job job, String reason) {
    apply(job, new Cancelled(reason));
    for (NodeTable.Node node : nodes.nodes()) {
      node.worker().tell(new WorkerProtocol.CancelJob(job.state.id()));
    }
  }

  /** The writer caught up with some results; a job it held back may send work again. */
  private Behavior<CoordinatorProtocol.Command> onResultsWritten(ResultsWritten written) {
    Job job = jobs.get(written.jobId());
    if (job != null) {
      boolean heldBack = job.unwritten > MAX_UNWRITTEN;
      job.unwritten -= written.count();
      if (heldBack && job.unwritten <= MAX_UNWRITTEN) {
        dispatch();
      }
    }
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onAddInputs(AddInputs add) {
    Job job = jobs.get(add.id());
    Optional<InputsRefused> refused = refuseInputs(add.id(), job);
    if (refused.isPresent()) {
      add.replyTo().tell(refused.get());
      return this;
    }
    if (job.waiting.isEmpty() && job.state.admitsInputs(bufferLimit(job))) {
      admit(job, add);
      dispatch();
    } else {
      job.waiting.addLast(add);
    }
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onCloseInputs(CloseInputs close) {
    Job job = jobs.get(close.id());
    Optional<InputsRefused> refused = refuseInputs(close.id(), job);
    if (refused.isPresent()) {
      close.replyTo().tell(refused.get());
      return this;
    }
    apply(job, new InputsClosed());
    getContext().getLog().info("job {}: all {} inputs arrived", close.id(), job.state.available());
    close.replyTo().tell(new InputsAccepted(job.state.available()));
    dispatch();
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onAbortInputs(AbortInputs abort) {
    Job job = jobs.get(abort.id());
    if (job != null && !job.state.terminal()) {
      getContext().getLog().warn("job {} cancelled: {}", abort.id(), abort.reason());
      cancel(job, abort.reason());
      flushResults();
    }
    return this;
  }

  private Optional<InputsRefused> refuseInputs(String id, Job job) {
    if (job == null) {
      return Optional.of(new InputsRefused(404, "no job '" + id + "'; GET /jobs lists the jobs"));
    }
    if (!(job.inputs instanceof StreamedInputs)) {
      return Optional.of(
          new InputsRefused(
              409,
              "job "
                  + id
                  + " has its inputs already; only a job created with"
                  + " \"stream\": true takes inputs here"));
    }
    if (job.state.terminal()) {
      return Optional.of(
          new InputsRefused(
              409, "job " + id + " is " + job.state.phase() + "; it takes no more inputs"));
    }
    if (!job.state.inputsOpen()) {
      return Optional.of(new InputsRefused(409, "the inputs of job " + id + " have ended already"));
    }
    return Optional.empty();
  }

  private Behavior<CoordinatorProtocol.Command> onOpenResults(OpenResults open) {
    open.replyTo().tell(Optional.ofNullable(jobs.get(open.id())).map(job -> job.log));
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onHttpServing(HttpServing serving) {
    httpUrl = serving.url();
    for (NodeTable.Node node : nodes.nodes()) {
      node.worker().tell(new Registered(address, httpUrl));
    }
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onGetCluster(GetCluster get) {
    get.replyTo().tell(nodes.view(address, active.size()));
    return this;
  }

  private Behavior<CoordinatorProtocol.Command> onGetTasks(GetTasks get) {
    get.replyTo().tell(nodes.tasks());
    return this;
  }

  /** Why no node can take a job for the task now: off everywhere, all busy leaving, or unknown. */
  private Rejected refusal(String task) {
    if (nodes.nodes().stream().anyMatch(node -> node.offers(task))) {
      return new Rejected(
          503,
          "every node that offers task '"
              + task
              + "' is unreachable or draining; try again once one is up");
    }
    Optional<TaskInfo> off =
        nodes.tasks().stream()
            .filter(info -> info.name().equals(task) && !info.enabled())
            .findFirst();
    if (off.isPresent()) {
      return new Rejected(400, "task '" + task + "' is off on every node: " + off.get().disabled());
    }
    String known =
        nodes.tasks().stream()
            .filter(TaskInfo::enabled)
            .map(TaskInfo::name)
            .collect(Collectors.joining(", "));
    return new Rejected(400, "unknown task '" + task + "'; known tasks: " + known);
  }

  /** The combiner the task names as its default, or null. */
  private Combiner taskCombiner(String task) {
    for (TaskInfo info : nodes.tasks()) {
      if (info.name().equals(task) && info.combiner() != null) {
        try {
          return Combiner.parse(info.combiner());
        } catch (IllegalArgumentException e) {
          getContext()
              .getLog()
              .warn("task {} names a default combiner Cohort lacks: {}", task, e.getMessage());
        }
      }
    }
    return null;
  }

  private JobStatus status(Job job) {
    return job.state.status(clock.instant());
  }
}
