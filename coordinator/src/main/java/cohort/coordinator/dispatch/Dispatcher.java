package cohort.coordinator.dispatch;

import cohort.api.labels.Requirement;
import cohort.coordinator.job.Batch;
import cohort.coordinator.job.Batching;
import cohort.coordinator.job.JobEvent.Dispatched;
import cohort.coordinator.job.JobEvent.Returned;
import cohort.coordinator.job.JobState;
import cohort.coordinator.jobs.InputGate;
import cohort.coordinator.jobs.Job;
import cohort.coordinator.jobs.JobRegistry;
import cohort.coordinator.scheduling.Admission;
import cohort.coordinator.scheduling.Shares;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.WorkerProtocol.ReturnQueued;
import cohort.protocol.WorkerProtocol.RunBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Decides which batches go to which node: a round of dispatch gives each node with credit one batch
 * at a time, from the job {@link Shares} puts first (priority, then fair share) among those let in
 * to run ({@link Admission}) that the node can serve and whose limits allow it, until no node has
 * credit or no job has work it can send; then it lets in streamed inputs that waited for room, and
 * goes on while that brings work. The batches go into an {@link Outbox}, sent when the round ends.
 *
 * <p>A node holds, per slot, one running batch and as many queued ones as {@link Batching} wants
 * for the job, so tiny tasks are not held up by the round trip and slow ones do not pile up on one
 * node. A job whose results wait for the disk ({@link cohort.coordinator.results.ResultSink}) sends
 * nothing until the writer catches up.
 */
public final class Dispatcher {

  private final Batching batching;
  private final Rebalancer rebalancer;
  private final ActorRef<CoordinatorProtocol.Command> coordinator;
  private final Shares shares = new Shares();
  private final Lineup lineup;
  private Optional<Instant> wakeAt = Optional.empty();

  /**
   * @param rebalancer which queued batches move to idle slots once a round has sent what it could
   * @param coordinator where the nodes send results
   */
  public Dispatcher(
      Batching batching, Rebalancer rebalancer, ActorRef<CoordinatorProtocol.Command> coordinator) {
    this(batching, rebalancer, coordinator, new Admission(0));
  }

  /**
   * @param admission the cap on running jobs
   */
  public Dispatcher(
      Batching batching,
      Rebalancer rebalancer,
      ActorRef<CoordinatorProtocol.Command> coordinator,
      Admission admission) {
    this.batching = batching;
    this.rebalancer = rebalancer;
    this.coordinator = coordinator;
    this.lineup = new Lineup(admission);
  }

  /**
   * When a job held back by its rate has a token again, as the last round found; the coordinator
   * runs a round then.
   */
  public Optional<Instant> wakeAt() {
    return wakeAt;
  }

  /**
   * Runs one round of dispatch, then asks nodes for queued batches that idle slots could run.
   *
   * @return the node table with the batches sent taken from the nodes' credit
   */
  public NodeTable round(NodeTable nodes, JobRegistry jobs, Outbox outbox, Instant now) {
    Round round = new Round(nodes, jobs, outbox, now);
    NodeTable after = round.run();
    wakeAt = round.turn.wakeAt();
    if (jobs.activeCount() == 0) {
      return after; // no batch of a running job is out: nothing to move (nodes registering)
    }
    List<Rebalancer.Recall> recalls = new ArrayList<>(round.priorityRecalls());
    rebalancer.asking(recalls);
    recalls.addAll(rebalancer.plan(after, Rebalancer.heldIn(jobs)));
    for (Rebalancer.Recall recall : recalls) {
      recall.holder().worker().tell(new ReturnQueued(recall.batches(), coordinator));
    }
    return after;
  }

  /**
   * A node gave back {@code given} of the batches it was asked for: they leave its credit, and
   * their jobs send them out again.
   */
  public NodeTable returned(
      NodeTable nodes, JobRegistry jobs, String node, List<BatchKey> given, Instant now) {
    rebalancer.answered(node, given);
    NodeTable after = nodes;
    for (BatchKey key : given) {
      after = after.returned(node, key);
      jobs.get(key.job()).ifPresent(job -> job.apply(new Returned(key.batch(), node), now));
    }
    return after;
  }

  /** How many unsent inputs a streamed job may hold now; see {@link InputGate#limit}. */
  public long bufferLimit(Job job, NodeTable nodes) {
    return InputGate.limit(job.state(), nodes, batching);
  }

  private final class Round {
    private NodeTable nodes;
    private final JobRegistry jobs;
    private final Outbox outbox;
    private final Instant now;
    private final List<Job> runnable;
    final Shares.Round turn;

    /**
     * Which nodes can run a task for a job with these required labels, worked out once per round:
     * credit changes during a round, the nodes that offer a task and their labels do not.
     */
    private final Map<String, TaskNodes> where = new HashMap<>();

    Round(NodeTable nodes, JobRegistry jobs, Outbox outbox, Instant now) {
      this.nodes = nodes;
      this.jobs = jobs;
      this.outbox = outbox;
      this.now = now;
      this.runnable = lineup.admitted(jobs, now);
      List<Shares.Claim> claims = new ArrayList<>(runnable.size());
      for (Job job : runnable) {
        JobState state = job.state();
        claims.add(
            new Shares.Claim(
                job.id(), state.spec().policy(), state.inFlightCount(), state.hasWork()));
      }
      if (claims.stream().anyMatch(claim -> !claim.policy().limits().isEmpty())) {
        claims.addAll(Lineup.lingering(nodes, jobs, runnable));
      }
      this.turn = shares.round(claims, now);
    }

    /**
     * Passes over the nodes, one batch per node per pass, the freest first. The first pass tries
     * the nodes that hold less than the deepest queue a running job wants; only the nodes that took
     * a batch in a pass are tried in the next: sending takes credit and work and gives neither, so
     * a node that took nothing would take nothing again until the round ends. Sorting every node
     * with credit for every batch sent made the coordinator's CPU per dispatch grow with the
     * cluster (docs/performance.md, "One coordinator, many nodes").
     */
    NodeTable run() {
      boolean progress = !runnable.isEmpty();
      while (progress) {
        List<NodeTable.Node> pass = nodes.withRoom(deepestQueue());
        while (!pass.isEmpty()) {
          List<NodeTable.Node> took = new ArrayList<>();
          for (NodeTable.Node tried : pass) {
            // The table as it is now: this node's credit changed in the last pass.
            NodeTable.Node node = nodes.get(tried.id()).orElse(null);
            if (node != null && node.free() > 0 && sendOne(node)) {
              took.add(node);
            }
          }
          pass = took;
        }
        progress = admitWaiting();
      }
      return nodes;
    }

    /** The most batches per slot a running job lets a node queue now; see {@link #sendOne}. */
    private int deepestQueue() {
      int deepest = 0;
      for (Job job : runnable) {
        JobState state = job.state();
        deepest = Math.max(deepest, prefetch(state, where(state)));
      }
      return deepest;
    }

    private int prefetch(JobState state, TaskNodes cluster) {
      return batching.prefetch(state, batching.size(state, cluster.slots()));
    }

    private TaskNodes where(JobState state) {
      String task = state.spec().task().offeredAs();
      Requirement require = state.spec().require();
      return where.computeIfAbsent(
          NodeShape.key(task, require),
          key -> new TaskNodes(nodes.slotsFor(task, require), nodes.candidates(task, require)));
    }

    /**
     * Sends the node one batch from the first job, as {@link Shares} orders them, that it can run
     * and may send; false if none.
     */
    private boolean sendOne(NodeTable.Node node) {
      List<Job> tried = null;
      while (true) {
        Job best = null;
        for (Job job : runnable) {
          if ((tried == null || !tried.contains(job))
              && mayTake(node, job)
              && (best == null || turn.before(job.id(), best.id()))) {
            best = job;
          }
        }
        if (best == null) {
          return false;
        }
        if (send(node, best)) {
          return true;
        }
        if (tried == null) {
          tried = new ArrayList<>();
        }
        tried.add(best); // nothing of it fits this node now (say, it failed here): the next one
      }
    }

    /** Whether the job has work the node runs, room there, and its limits allow a batch now. */
    private boolean mayTake(NodeTable.Node node, Job job) {
      JobState state = job.state();
      if (!state.hasWork() || !eligible(node, state) || job.results().heldBack()) {
        return false;
      }
      TaskNodes cluster = where(state);
      int queued = turn.mayQueue(job.id(), cluster.slots()) ? prefetch(state, cluster) : 0;
      // The node holds enough of this job's work for now: or, for a job that may not queue, has no
      // slot free.
      return node.outstanding().size() < node.slots() * (1 + queued)
          && turn.allowance(job.id()) > 0;
    }

    private boolean send(NodeTable.Node node, Job job) {
      JobState state = job.state();
      TaskNodes cluster = where(state);
      Optional<Batch> next =
          batching.next(
              state,
              job.inputs(),
              cluster.slots(),
              node.address(),
              cluster.candidates(),
              turn.allowance(job.id()));
      if (next.isEmpty()) {
        return false;
      }
      Batch batch = next.get();
      job.apply(new Dispatched(batch, node.id(), node.address()), now);
      job.inputs().releaseBefore(job.state().nextFresh());
      nodes = nodes.taken(node.id(), new BatchKey(job.id(), batch.id()));
      outbox.add(node.worker(), runBatch(job, batch));
      turn.sent(job.id(), batch.size());
      return true;
    }

    /**
     * Whether the node may run the job's inputs: it offers the task and has the labels required.
     */
    private static boolean eligible(NodeTable.Node node, JobState state) {
      return node.serves(state.spec().task().offeredAs(), state.spec().require());
    }

    private RunBatch runBatch(Job job, Batch batch) {
      return new RunBatch(
          job.id(),
          batch.id(),
          job.state().spec().task(),
          batch.firstIndex(),
          batch.inputs(),
          batch.attempt(),
          job.state().spec().taskTimeout().toMillis(),
          coordinator,
          // A batch that runs again confirms its start, so a node lost while it runs it is known
          // to have run it, whatever became of the node's reports.
          batch.attempt() > 1);
    }

    /**
     * Queued batches of lower priorities to ask back, when a job of higher priority is left with
     * work that no node had room for.
     */
    List<Rebalancer.Recall> priorityRecalls() {
      List<Job> waiting = new ArrayList<>();
      Map<String, Integer> priorities = new HashMap<>();
      int lowestOut = Integer.MAX_VALUE;
      for (Job job : runnable) {
        JobState state = job.state();
        int priority = state.spec().policy().priority();
        priorities.put(job.id(), priority);
        if (state.inFlightCount() > 0) {
          lowestOut = Math.min(lowestOut, priority);
        }
        if (state.hasWork() && !job.results().heldBack() && turn.allowance(job.id()) > 0) {
          waiting.add(job);
        }
      }
      int lowest = lowestOut;
      waiting.removeIf(job -> job.state().spec().policy().priority() <= lowest);
      if (waiting.isEmpty()) {
        return List.of();
      }
      waiting.sort(
          java.util.Comparator.comparingInt((Job job) -> job.state().spec().policy().priority())
              .reversed());
      return PriorityRecall.plan(nodes, waiting, priorities, rebalancer::askedOrKept);
    }

    /** Lets in uploads that waited for room; true if any got in (so there may be more to send). */
    private boolean admitWaiting() {
      boolean admitted = false;
      for (Job job : runnable) {
        // The limit looks at every node: worked out only for a job that has uploads waiting.
        if (job.gate().hasWaiting()) {
          admitted |= job.admitWaiting(bufferLimit(job, nodes), now);
        }
      }
      return admitted;
    }

    private record TaskNodes(int slots, Set<String> candidates) {}
  }
}
