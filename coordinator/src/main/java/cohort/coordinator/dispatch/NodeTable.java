package cohort.coordinator.dispatch;

import cohort.messages.TaskInfo;
import cohort.messages.WorkerProtocol;
import cohort.messages.api.ClusterStatus;
import cohort.messages.api.NodeStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.pcollections.HashTreePSet;
import org.pcollections.PSet;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

/**
 * The registered nodes and the credit each has left: an immutable value.
 *
 * <p>A node's capacity is its slots plus a short prefetch queue per slot. Each batch sent to it
 * takes one credit until the node reports the batch's last result, whatever became of the job in
 * the meantime, so the table always shows what the node really holds.
 */
public final class NodeTable {

  /**
   * One node.
   *
   * @param worker the node's worker actor
   * @param address the node's {@code host:port}
   * @param slots inputs it runs at once
   * @param capacity batches it may hold: slots plus prefetch
   * @param tasks what it offers
   * @param outstanding keys of the batches it holds now
   * @param reachable false while the failure detector doubts the node
   */
  public record Node(
      ActorRef<WorkerProtocol.Command> worker,
      String address,
      int slots,
      int capacity,
      List<TaskInfo> tasks,
      PSet<String> outstanding,
      boolean reachable) {

    /** Credit left: batches it may still take. */
    public int free() {
      return reachable ? capacity - outstanding.size() : 0;
    }

    /** Whether the node offers the task. */
    public boolean offers(String task) {
      for (TaskInfo info : tasks) {
        if (info.name().equals(task)) {
          return true;
        }
      }
      return false;
    }

    Node withOutstanding(PSet<String> keys) {
      return new Node(worker, address, slots, capacity, tasks, keys, reachable);
    }
  }

  private static final NodeTable EMPTY = new NodeTable(TreePMap.empty());

  private final PSortedMap<String, Node> nodes;

  private NodeTable(PSortedMap<String, Node> nodes) {
    this.nodes = nodes;
  }

  public static NodeTable empty() {
    return EMPTY;
  }

  /**
   * Adds a node, or refreshes one that registers again; a refresh from the same worker keeps the
   * batches it holds.
   */
  public NodeTable registered(
      ActorRef<WorkerProtocol.Command> worker,
      String address,
      int slots,
      int prefetchPerSlot,
      List<TaskInfo> tasks) {
    Node previous = nodes.get(address);
    PSet<String> outstanding =
        previous != null && previous.worker().equals(worker)
            ? previous.outstanding()
            : HashTreePSet.empty();
    Node node =
        new Node(
            worker, address, slots, slots * (1 + prefetchPerSlot), List.copyOf(tasks), outstanding,
            true);
    return new NodeTable(nodes.plus(address, node));
  }

  /** Forgets a node. */
  public NodeTable removed(String address) {
    return nodes.containsKey(address) ? new NodeTable(nodes.minus(address)) : this;
  }

  /** Records that the node now holds the batch {@code key}. */
  public NodeTable taken(String address, String key) {
    Node node = require(address);
    if (node.free() <= 0) {
      throw new IllegalStateException("node " + address + " has no credit left for " + key);
    }
    return new NodeTable(nodes.plus(address, node.withOutstanding(node.outstanding().plus(key))));
  }

  /** Records that the node reported the last result of batch {@code key}; unknown keys change nothing. */
  public NodeTable returned(String address, String key) {
    Node node = nodes.get(address);
    if (node == null || !node.outstanding().contains(key)) {
      return this;
    }
    return new NodeTable(nodes.plus(address, node.withOutstanding(node.outstanding().minus(key))));
  }

  private Node require(String address) {
    Node node = nodes.get(address);
    if (node == null) {
      throw new IllegalStateException("no node " + address + " is registered");
    }
    return node;
  }

  public Optional<Node> get(String address) {
    return Optional.ofNullable(nodes.get(address));
  }

  /** The address registered for a worker actor, if any. */
  public Optional<String> addressOf(ActorRef<WorkerProtocol.Command> worker) {
    for (Node node : nodes.values()) {
      if (node.worker().equals(worker)) {
        return Optional.of(node.address());
      }
    }
    return Optional.empty();
  }

  public List<Node> nodes() {
    return new ArrayList<>(nodes.values());
  }

  public boolean isEmpty() {
    return nodes.isEmpty();
  }

  /** Nodes with credit left, the freest first. */
  public List<Node> withCredit() {
    return nodes.values().stream()
        .filter(node -> node.free() > 0)
        .sorted(Comparator.comparingInt(Node::free).reversed())
        .collect(Collectors.toList());
  }

  /** Slots of the reachable nodes that offer the task. */
  public int slotsFor(String task) {
    int slots = 0;
    for (Node node : nodes.values()) {
      if (node.reachable() && node.offers(task)) {
        slots += node.slots();
      }
    }
    return slots;
  }

  /** Every task some node offers, by name; the first node's description wins. */
  public List<TaskInfo> tasks() {
    Map<String, TaskInfo> byName = new TreeMap<>();
    for (Node node : nodes.values()) {
      for (TaskInfo info : node.tasks()) {
        byName.putIfAbsent(info.name(), info);
      }
    }
    return new ArrayList<>(byName.values());
  }

  /** The cluster as {@code GET /cluster} shows it. */
  public ClusterStatus view(String coordinator, int activeJobs) {
    List<NodeStatus> list = new ArrayList<>();
    int slots = 0;
    int busy = 0;
    for (Node node : nodes.values()) {
      int nodeBusy = Math.min(node.outstanding().size(), node.slots());
      list.add(
          new NodeStatus(
              node.address(),
              node.reachable() ? "UP" : "UNREACHABLE",
              node.slots(),
              nodeBusy,
              node.tasks().stream().map(TaskInfo::name).collect(Collectors.toList())));
      slots += node.slots();
      busy += nodeBusy;
    }
    return new ClusterStatus(coordinator, list, slots, busy, activeJobs);
  }
}
