package cohort.coordinator.dispatch;

import cohort.api.TaskInfo;
import cohort.api.labels.NodeLabels;
import cohort.api.labels.Requirement;
import cohort.protocol.CoordinatorProtocol.BatchKey;
import cohort.protocol.TaskSpec;
import cohort.protocol.WorkerProtocol;
import io.vavr.collection.HashMap;
import io.vavr.collection.HashSet;
import io.vavr.collection.Set;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The registered nodes and the credit each has left: an immutable value.
 *
 * <p>A node's capacity is its slots plus a short prefetch queue per slot. Each batch sent to it
 * takes one credit until the node reports the batch's last result, whatever became of the job in
 * the meantime, so the table always shows what the node really holds.
 *
 * <p>Every dispatch and every result changes the table, so it is kept in hash tries (Vavr's
 * persistent collections), whose updates cost a fraction of a sorted tree's. What follows from the
 * nodes alone, not from the batches they hold (slots, capacity, availability, and per task the
 * slots, capacity and candidates), is worked out once for each set of nodes and shared by the
 * tables that differ only in batches; so is each node's place in a plain array of the batches the
 * nodes hold, which is copied a chunk at a time as batches come and go. A round of dispatch looks
 * for the nodes that have room, and with a thousand nodes walking the hash trie for them, and
 * adding up slots per task, took more of the coordinator's CPU than the dispatch itself
 * (docs/performance.md, "One coordinator, many nodes").
 */
public final class NodeTable {

  /**
   * One node.
   *
   * @param id the node's key: its worker actor's path, unique even for nodes sharing a JVM
   * @param worker the node's worker actor
   * @param address the node's {@code host:port}, as people and cluster membership know it
   * @param slots inputs it runs at once
   * @param capacity batches it may hold: slots plus prefetch
   * @param tasks what it offers
   * @param outstanding keys of the batches it holds now
   * @param running keys of the outstanding batches it reported started: those it was running
   * @param reachable false while the failure detector doubts the node
   * @param draining true once the node announced it is shutting down
   * @param runs the names of the tasks it runs, for quick lookups on the dispatch path
   * @param direct where it takes direct calls from clients ({@code host:port}), or null
   * @param labels its labels ({@code cohort node --label}); jobs that require labels run only on
   *     nodes that have them
   */
  public record Node(
      String id,
      ActorRef<WorkerProtocol.Command> worker,
      String address,
      int slots,
      int capacity,
      List<TaskInfo> tasks,
      Set<BatchKey> outstanding,
      Set<BatchKey> running,
      boolean reachable,
      boolean draining,
      java.util.Set<String> runs,
      String direct,
      NodeLabels labels) {

    /** Whether the node takes work now. */
    public boolean available() {
      return reachable && !draining;
    }

    /** Credit left: batches it may still take. */
    public int free() {
      return available() ? capacity - outstanding.size() : 0;
    }

    /** The node's state as {@code GET /cluster} shows it. */
    public String state() {
      return !reachable ? "UNREACHABLE" : draining ? "DRAINING" : "UP";
    }

    /** Whether the node runs the task. */
    public boolean offers(String task) {
      return runs.contains(task);
    }

    /** Whether the node runs the task and has every label the job requires. */
    public boolean serves(String task, Requirement require) {
      return runs.contains(task) && require.metBy(labels);
    }

    Node withBatches(Set<BatchKey> keys, Set<BatchKey> started) {
      return new Node(
          id, worker, address, slots, capacity, tasks, keys, started, reachable, draining, runs,
          direct, labels);
    }

    Node withReachable(boolean value) {
      return withFlags(value, draining);
    }

    Node withDraining(boolean value) {
      return withFlags(reachable, value);
    }

    private Node withFlags(boolean reachableNow, boolean drainingNow) {
      return new Node(
          id,
          worker,
          address,
          slots,
          capacity,
          tasks,
          outstanding,
          running,
          reachableNow,
          drainingNow,
          runs,
          direct,
          labels);
    }
  }

  private static final NodeTable EMPTY = reshaped(HashMap.empty());

  private static final Comparator<Node> BY_ID = Comparator.comparing(Node::id);

  private final HashMap<String, Node> nodes;
  private final NodeShape shape;
  private final HeldCounts held;

  private NodeTable(HashMap<String, Node> nodes, NodeShape shape, HeldCounts held) {
    this.nodes = nodes;
    this.shape = shape;
    this.held = held;
  }

  /** A table with other nodes, or nodes that changed more than their batches. */
  private static NodeTable reshaped(HashMap<String, Node> changed) {
    NodeShape shape = new NodeShape(changed);
    return new NodeTable(changed, shape, HeldCounts.of(shape, changed));
  }

  /** A table whose nodes changed only in the batches they hold. */
  private NodeTable withBatchesOf(Node node) {
    return new NodeTable(
        nodes.put(node.id(), node),
        shape,
        held.with(shape.places.get(node.id()), node.outstanding().size()));
  }

  public static NodeTable empty() {
    return EMPTY;
  }

  /** The key a worker's node has in the table: the worker actor's full path. */
  public static String idOf(ActorRef<WorkerProtocol.Command> worker) {
    return worker.path().toString();
  }

  /**
   * Adds a node, or refreshes one that registers again, keeping the batches it holds.
   *
   * @param address the node's {@code host:port}
   */
  public NodeTable registered(
      ActorRef<WorkerProtocol.Command> worker,
      String address,
      int slots,
      int prefetchPerSlot,
      List<TaskInfo> tasks) {
    return registered(worker, address, slots, prefetchPerSlot, tasks, null);
  }

  /**
   * A node registered, with where it takes direct calls ({@code host:port}, or null); see {@link
   * #registered(ActorRef, String, int, int, List)}.
   */
  public NodeTable registered(
      ActorRef<WorkerProtocol.Command> worker,
      String address,
      int slots,
      int prefetchPerSlot,
      List<TaskInfo> tasks,
      String direct) {
    return registered(worker, address, slots, prefetchPerSlot, tasks, direct, false);
  }

  /**
   * A node registered, saying whether it runs shipped code: it then offers {@link
   * TaskSpec#SHIPPED_CODE} beside its tasks.
   */
  public NodeTable registered(
      ActorRef<WorkerProtocol.Command> worker,
      String address,
      int slots,
      int prefetchPerSlot,
      List<TaskInfo> tasks,
      String direct,
      boolean shippedCode) {
    return registered(
        worker, address, slots, prefetchPerSlot, tasks, direct, shippedCode, NodeLabels.NONE);
  }

  /** A node registered with its labels; a node that registers again may bring other labels. */
  public NodeTable registered(
      ActorRef<WorkerProtocol.Command> worker,
      String address,
      int slots,
      int prefetchPerSlot,
      List<TaskInfo> tasks,
      String direct,
      boolean shippedCode,
      NodeLabels labels) {
    String id = idOf(worker);
    Node previous = nodes.get(id).getOrNull();
    Set<BatchKey> outstanding = previous != null ? previous.outstanding() : HashSet.empty();
    Set<BatchKey> running = previous != null ? previous.running() : HashSet.empty();
    Node node =
        new Node(
            id,
            worker,
            address,
            slots,
            slots * (1 + prefetchPerSlot),
            List.copyOf(tasks),
            outstanding,
            running,
            true,
            false,
            TaskOffers.runs(tasks, shippedCode),
            direct,
            labels);
    return reshaped(nodes.put(id, node));
  }

  /** Marks the node reachable or not, as the failure detector sees it. */
  public NodeTable reachable(String id, boolean reachable) {
    Node node = nodes.get(id).getOrNull();
    return node == null ? this : reshaped(nodes.put(id, node.withReachable(reachable)));
  }

  /** Marks the node as shutting down: it gets no more work. */
  public NodeTable draining(String id) {
    Node node = nodes.get(id).getOrNull();
    return node == null ? this : reshaped(nodes.put(id, node.withDraining(true)));
  }

  /** The nodes at a cluster address (one per JVM, except when roles share a JVM). */
  public List<Node> at(String address) {
    return sorted().stream()
        .filter(node -> node.address().equals(address))
        .collect(Collectors.toList());
  }

  /** Addresses of the nodes that take work now, offer the task and have the required labels. */
  public java.util.Set<String> candidates(String task, Requirement require) {
    return shape.candidates.computeIfAbsent(
        NodeShape.key(task, require), key -> TaskOffers.candidates(nodes, task, require));
  }

  /** Forgets a node. */
  public NodeTable removed(String id) {
    return nodes.containsKey(id) ? reshaped(nodes.remove(id)) : this;
  }

  /** Records that the node now holds the batch {@code key}. */
  public NodeTable taken(String id, BatchKey key) {
    Node node = require(id);
    if (node.free() <= 0) {
      throw new IllegalStateException("node " + node.address() + " has no credit left for " + key);
    }
    return withBatchesOf(node.withBatches(node.outstanding().add(key), node.running()));
  }

  /**
   * Records that the node reported it started batch {@code key}; a batch it no longer holds (its
   * last result came first) changes nothing.
   */
  public NodeTable started(String id, BatchKey key) {
    Node node = nodes.get(id).getOrNull();
    if (node == null || !node.outstanding().contains(key) || node.running().contains(key)) {
      return this;
    }
    return withBatchesOf(node.withBatches(node.outstanding(), node.running().add(key)));
  }

  /**
   * Records that the node reported the last result of batch {@code key}; unknown keys change
   * nothing.
   */
  public NodeTable returned(String id, BatchKey key) {
    Node node = nodes.get(id).getOrNull();
    if (node == null) {
      return this;
    }
    Set<BatchKey> rest = node.outstanding().remove(key); // the same set when the key is unknown
    return rest == node.outstanding()
        ? this
        : withBatchesOf(node.withBatches(rest, node.running().remove(key)));
  }

  private Node require(String id) {
    Node node = nodes.get(id).getOrNull();
    if (node == null) {
      throw new IllegalStateException("no node " + id + " is registered");
    }
    return node;
  }

  /** The node with this id, if registered. */
  public Optional<Node> get(String id) {
    return Optional.ofNullable(nodes.get(id).getOrNull());
  }

  /** Every node, by id. */
  public List<Node> nodes() {
    return sorted();
  }

  private List<Node> sorted() {
    List<Node> list = new ArrayList<>(nodes.size());
    nodes.values().forEach(list::add);
    list.sort(BY_ID);
    return list;
  }

  public boolean isEmpty() {
    return nodes.isEmpty();
  }

  /** How many nodes are registered. */
  public int size() {
    return nodes.size();
  }

  /** Slots of every registered node. */
  public int slots() {
    return shape.totalSlots();
  }

  /** Nodes with credit left, the freest first (by id among equals). */
  public List<Node> withCredit() {
    return withRoom(Integer.MAX_VALUE);
  }

  /**
   * Nodes with credit left that hold fewer than {@code slots × (1 + queuedPerSlot)} batches, the
   * freest first (by id among equals): those a job that queues at most {@code queuedPerSlot}
   * batches per slot may still send to. Only these are sorted, so a round of dispatch on a large
   * cluster whose nodes are full pays for looking at each node once, not for sorting them all.
   */
  public List<Node> withRoom(int queuedPerSlot) {
    List<Node> room = new ArrayList<>();
    for (int place = 0; place < shape.ids.length; place++) {
      int holds = held.get(place);
      if (shape.available[place]
          && holds < shape.capacity[place]
          && holds < (long) shape.slots[place] * (1L + queuedPerSlot)) {
        room.add(nodes.get(shape.ids[place]).get());
      }
    }
    if (room.size() > 1) {
      room.sort(Comparator.comparingInt(Node::free).reversed().thenComparing(BY_ID));
    }
    return room;
  }

  /** Nodes that take work and have a slot with no batch, by id. */
  public List<Node> idle() {
    List<Node> idle = new ArrayList<>();
    for (int place = 0; place < shape.ids.length; place++) {
      if (shape.available[place] && held.get(place) < shape.slots[place]) {
        idle.add(nodes.get(shape.ids[place]).get());
      }
    }
    idle.sort(BY_ID);
    return idle;
  }

  /** Slots of the nodes that take work now, offer the task and have the required labels. */
  public int slotsFor(String task, Requirement require) {
    return shape.slotsFor.computeIfAbsent(
        NodeShape.key(task, require),
        key -> TaskOffers.sumOverServing(nodes, task, require, Node::slots));
  }

  /**
   * Batches the nodes that take work now, offer the task and have the required labels may hold at
   * once.
   */
  public int capacityFor(String task, Requirement require) {
    return shape.capacityFor.computeIfAbsent(
        NodeShape.key(task, require),
        key -> TaskOffers.sumOverServing(nodes, task, require, Node::capacity));
  }

  /**
   * Every task some node knows, by name: as a node that runs it describes it, or, when none does,
   * with the reason it is off.
   */
  public List<TaskInfo> tasks() {
    return TaskOffers.merged(sorted());
  }
}
