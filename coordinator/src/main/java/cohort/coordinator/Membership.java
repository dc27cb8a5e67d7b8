package cohort.coordinator;

import cohort.api.labels.NodeLabels;
import cohort.coordinator.dispatch.NodeTable;
import cohort.coordinator.metrics.BatchFigures;
import cohort.coordinator.metrics.NodeFigures;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.CoordinatorProtocol.NodeDraining;
import cohort.protocol.CoordinatorProtocol.NodeStats;
import cohort.protocol.CoordinatorProtocol.RegisterNode;
import cohort.protocol.HostPort;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.Registered;
import cohort.protocol.WorkerProtocol.RegistrationRefused;
import cohort.protocol.cluster.SelfMember;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The coordinator's view of who is in the cluster: it registers nodes into the {@link NodeTable},
 * refuses those of another protocol version, and turns cluster membership into the coordinator's
 * own messages: a node's worker that stops, or a member removed from the cluster, is {@link Lost};
 * the failure detector's doubt and trust are {@link Reachable}. What lost nodes held goes back to
 * the coordinator through its {@link Loser}. In an actor system without the cluster (see {@link
 * SelfMember}) only a worker that stops is lost. It keeps each node's {@link NodeFigures}: when it
 * joined, what it ran, what it reported, and the nodes that left with why.
 */
final class Membership {

  /**
   * A node is gone for good: its worker stopped ({@code worker} set), or its cluster member was
   * removed ({@code member} set).
   *
   * @param why what happened, for the log
   */
  record Lost(String worker, String member, String why) implements CoordinatorProtocol.Command {}

  /**
   * The failure detector doubts the member at {@code member}, or trusts it again.
   *
   * @param member the member's {@code host:port}
   */
  record Reachable(String member, boolean reachable) implements CoordinatorProtocol.Command {}

  /** What the coordinator does with a lost node's work. */
  interface Loser {
    /** The node is lost: its work runs again elsewhere; returns how many batches it held. */
    int lose(NodeTable.Node node, String why);
  }

  private final ActorContext<CoordinatorProtocol.Command> context;
  private final Loser loser;
  private final Runnable nodesChanged;
  private final String self;
  private final Clock clock;
  private NodeFigures figures = NodeFigures.empty();

  /**
   * @param loser takes back what lost nodes held
   * @param nodesChanged told when nodes join or leave: what they judged no longer holds
   * @param clock when nodes join and leave
   */
  Membership(
      ActorContext<CoordinatorProtocol.Command> context,
      Loser loser,
      Runnable nodesChanged,
      Clock clock) {
    this.context = context;
    this.clock = clock;
    this.loser = loser;
    this.nodesChanged = nodesChanged;
    this.self = SelfMember.address(context.getSystem());
    if (SelfMember.inCluster(context.getSystem())) {
      follow(Cluster.get(context.getSystem()));
    }
  }

  /** Turns the cluster's reachability and removal events into the coordinator's messages. */
  private void follow(Cluster cluster) {
    cluster
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(
                    ClusterEvent.ReachabilityEvent.class,
                    event ->
                        new Reachable(
                            HostPort.of(event.member().address()).toString(),
                            event instanceof ClusterEvent.ReachableMember)),
                ClusterEvent.ReachabilityEvent.class));
    cluster
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(
                    ClusterEvent.MemberRemoved.class,
                    event ->
                        new Lost(
                            null,
                            HostPort.of(event.member().address()).toString(),
                            "it was removed from the cluster")),
                ClusterEvent.MemberRemoved.class));
  }

  /** The coordinator's own cluster address, {@code host:port}. */
  String selfAddress() {
    return self;
  }

  /**
   * A node's worker registers, or registers again: it joins the table (a repeat keeps what it
   * holds), is watched, and is told where the coordinator serves HTTP. A node of another protocol
   * version is refused.
   *
   * @param prefetch queued batches a node may hold per slot at most
   * @param http where the coordinator's HTTP API serves and the token nodes present to it
   */
  NodeTable register(
      RegisterNode register, NodeTable nodes, int prefetch, ClientRequests.HttpServing http) {
    ActorRef<WorkerProtocol.Command> worker = register.worker();
    Optional<String> refused = refusal(register);
    if (refused.isPresent()) {
      context.getLog().warn("refused node {}: {}", worker.path().address(), refused.get());
      worker.tell(new RegistrationRefused(refused.get()));
      return nodes;
    }
    NodeLabels labels;
    try {
      labels = NodeLabels.parse(register.labels(), "the node's labels");
    } catch (IllegalArgumentException e) {
      context.getLog().warn("refused node {}: {}", worker.path().address(), e.getMessage());
      worker.tell(new RegistrationRefused(e.getMessage()));
      return nodes;
    }
    boolean known = nodes.get(NodeTable.idOf(worker)).isPresent();
    String node = addressOf(worker);
    NodeTable now =
        nodes.registered(
            worker,
            node,
            register.slots(),
            prefetch,
            register.tasks(),
            register.direct(),
            register.shippedCode(),
            labels);
    if (!known) {
      figures = figures.joined(NodeTable.idOf(worker), node, clock.instant());
      nodesChanged.run();
      context.watchWith(worker, new Lost(NodeTable.idOf(worker), null, "it stopped"));
      int count = now.size();
      context
          .getLog()
          .info(
              "node {} joined with {} slots{}; the cluster has {} slots on {}",
              node,
              register.slots(),
              labels.isEmpty() ? "" : " and labels " + labels,
              now.slots(),
              count == 1 ? "1 node" : count + " nodes");
    }
    worker.tell(new Registered(self, http.url(), http.nodeToken()));
    return now;
  }

  /** A node is gone for good: what it still held runs again elsewhere. */
  NodeTable lost(Lost lost, NodeTable nodes) {
    List<NodeTable.Node> gone =
        lost.worker() != null
            ? nodes.get(lost.worker()).stream().toList()
            : nodes.at(lost.member());
    NodeTable now = nodes;
    for (NodeTable.Node node : gone) {
      int held = loser.lose(node, lost.why());
      now = now.removed(node.id());
      figures = figures.departed(node.id(), departure(node, lost.why()), clock.instant());
      nodesChanged.run();
      context
          .getLog()
          .info(
              "node {} left ({}); {} batches it held run again elsewhere; {} nodes remain",
              node.address(),
              lost.why(),
              held,
              now.size());
    }
    return now;
  }

  /**
   * The failure detector doubts a member, or trusts it again. What a doubted node holds runs again
   * elsewhere at once, not after it is downed; if it comes back, its late results are duplicates
   * and dropped, so it is told to drop what it still holds of that work: its slots take work that
   * counts instead of running it to the end for nothing.
   *
   * @param expected whether a batch's job still waits for its results from the node it went to
   */
  NodeTable reachable(Reachable changed, NodeTable nodes, Predicate<BatchKey> expected) {
    NodeTable now = nodes;
    for (NodeTable.Node node : nodes.at(changed.member())) {
      now = now.reachable(node.id(), changed.reachable());
      if (changed.reachable()) {
        List<BatchKey> stale = node.outstanding().filter(expected.negate()).toJavaList();
        WorkerProtocol.DropBatches.inParts(stale).forEach(node.worker()::tell);
        context
            .getLog()
            .info(
                "node {} is reachable again{}",
                node.address(),
                stale.isEmpty()
                    ? ""
                    : "; told to drop the " + stale.size() + " batches run elsewhere");
      } else {
        int held = loser.lose(node, "the cluster lost contact with it");
        context
            .getLog()
            .warn(
                "node {} is unreachable; {} batches it held run again elsewhere",
                node.address(),
                held);
      }
    }
    return now;
  }

  /** Why a node left, as {@code GET /cluster} lists it. */
  private static String departure(NodeTable.Node node, String why) {
    return node.draining() ? "left" : node.reachable() ? why : "downed as unreachable";
  }

  /** A node's results came in: they count for it. */
  void ran(String node, BatchFinished finished) {
    int done = BatchFigures.inputs(finished);
    figures = figures.ran(node, done, Math.min(done, finished.failures().size()));
  }

  /** A node sent its heap and CPU figures. */
  void reported(NodeStats stats) {
    figures =
        figures.reported(
            NodeTable.idOf(stats.worker()),
            stats.heapUsedBytes(),
            stats.heapMaxBytes(),
            stats.processCpuLoad());
  }

  /** The cluster as the coordinator sees it, with what it knows of each node. */
  ClientRequests.ClusterView view(NodeTable nodes, int activeJobs, long resultLogBytes) {
    return new ClientRequests.ClusterView(self, nodes, activeJobs, figures, resultLogBytes);
  }

  /** A node announced it is shutting down: it gets no more work. */
  NodeTable draining(NodeDraining draining, NodeTable nodes) {
    String id = NodeTable.idOf(draining.worker());
    nodes.get(id).ifPresent(node -> context.getLog().info("node {} is draining", node.address()));
    return nodes.draining(id);
  }

  /** The {@code host:port} of a worker's node; a worker in this JVM has the coordinator's. */
  private String addressOf(ActorRef<?> worker) {
    Address remote = worker.path().address();
    return remote.hasLocalScope() ? self : HostPort.of(remote).toString();
  }

  /** Why a node must be refused, if it must: it speaks another version of the protocol. */
  private static Optional<String> refusal(RegisterNode register) {
    if (register.version() == CoordinatorProtocol.VERSION) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            "protocol version mismatch: the node speaks version %d, the coordinator %d. "
                + "Run the same Cohort build on every machine.",
            register.version(), CoordinatorProtocol.VERSION));
  }
}
