package cohort.coordinator.metrics;

import cohort.protocol.CoordinatorProtocol.NodeStats;
import io.vavr.collection.HashMap;
import io.vavr.collection.Vector;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the coordinator knows of each node beyond the work it holds: when it joined, how many inputs
 * it ran and how many of those failed, and the heap and CPU figures it last reported ({@link
 * NodeStats}); and the nodes that left recently, with when and why. An immutable value, keyed by
 * node id as the node table is; {@code GET /cluster} and {@code GET /metrics} show it.
 *
 * <p>Every result a node reports changes it, so it is kept in hash tries, as the node table is.
 */
public final class NodeFigures {

  /** How many departed nodes it remembers: the newest. */
  public static final int DEPARTED_KEPT = 20;

  /**
   * One node's figures.
   *
   * @param address the node's {@code host:port}
   * @param joinedAt when it registered
   * @param inputsDone inputs it reported a result for, ok or failed
   * @param inputsFailed those of them that failed there
   * @param heapUsedBytes heap in use at its last report, or -1 before any
   * @param heapMaxBytes its heap limit, or -1 before any report or without a limit
   * @param cpuLoad its process's share of its machine's CPU, 0 to 1, or -1 when unknown
   */
  public record Node(
      String address,
      Instant joinedAt,
      long inputsDone,
      long inputsFailed,
      long heapUsedBytes,
      long heapMaxBytes,
      double cpuLoad) {

    Node ran(int done, int failed) {
      return new Node(
          address,
          joinedAt,
          inputsDone + done,
          inputsFailed + failed,
          heapUsedBytes,
          heapMaxBytes,
          cpuLoad);
    }

    Node reported(long heapUsed, long heapMax, double cpu) {
      return new Node(address, joinedAt, inputsDone, inputsFailed, heapUsed, heapMax, cpu);
    }
  }

  /**
   * A node that left.
   *
   * @param why in plain words: {@code left}, {@code downed as unreachable}, ...
   */
  public record Departed(Node node, Instant leftAt, String why) {}

  private static final NodeFigures EMPTY = new NodeFigures(HashMap.empty(), Vector.empty());

  private final HashMap<String, Node> nodes;
  private final Vector<Departed> departed;

  private NodeFigures(HashMap<String, Node> nodes, Vector<Departed> departed) {
    this.nodes = nodes;
    this.departed = departed;
  }

  /** No nodes, none departed. */
  public static NodeFigures empty() {
    return EMPTY;
  }

  /** A node joined; a node already known keeps its figures. */
  public NodeFigures joined(String id, String address, Instant now) {
    if (nodes.containsKey(id)) {
      return this;
    }
    return new NodeFigures(nodes.put(id, new Node(address, now, 0, 0, -1, -1, -1)), departed);
  }

  /** A node reported results: {@code done} inputs, {@code failed} of them failed. */
  public NodeFigures ran(String id, int done, int failed) {
    if (done < 0 || failed < 0 || failed > done) {
      throw new IllegalArgumentException(
          "a node cannot run " + done + " inputs of which " + failed + " failed");
    }
    Optional<Node> node = nodes.get(id).toJavaOptional();
    return node.isEmpty() || done == 0
        ? this
        : new NodeFigures(nodes.put(id, node.get().ran(done, failed)), departed);
  }

  /**
   * A node sent its figures ({@link NodeStats}); those of a node not known (yet, or any more) are
   * dropped.
   */
  public NodeFigures reported(String id, long heapUsedBytes, long heapMaxBytes, double cpuLoad) {
    Optional<Node> node = nodes.get(id).toJavaOptional();
    return node.isEmpty()
        ? this
        : new NodeFigures(
            nodes.put(id, node.get().reported(heapUsedBytes, heapMaxBytes, cpuLoad)), departed);
  }

  /** A node left: it joins the departed, of which the oldest beyond {@link #DEPARTED_KEPT} go. */
  public NodeFigures departed(String id, String why, Instant now) {
    Optional<Node> node = nodes.get(id).toJavaOptional();
    if (node.isEmpty()) {
      return this;
    }
    Vector<Departed> kept = departed.prepend(new Departed(node.get(), now, why));
    return new NodeFigures(nodes.remove(id), kept.take(DEPARTED_KEPT));
  }

  /** A node's figures, if it is known. */
  public Optional<Node> get(String id) {
    return nodes.get(id).toJavaOptional();
  }

  /** The nodes that left recently, the newest first. */
  public List<Departed> departed() {
    return departed.asJava();
  }
}
