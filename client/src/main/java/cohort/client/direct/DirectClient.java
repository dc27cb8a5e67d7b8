package cohort.client.direct;

import cohort.api.ApiJson;
import cohort.api.NodeStatus;
import cohort.client.CohortClient;
import cohort.client.CohortException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Direct calls, like {@code Pool.apply_async}: one input to one task, sent straight to a node over
 * a connection kept open, with no job, coordinator or HTTP exchange on the call's path. The
 * coordinator is asked only which nodes take direct calls, when the client first needs a node and
 * again when a node's connection broke. Calls go to the node with the fewest calls in flight among
 * those offering the task. Safe for many threads and many calls in flight.
 *
 * <p>A direct call runs once or not at all: it is not a job, so it is not retried elsewhere when
 * its node is lost (its future fails, saying so), it has no timeout of its own (use {@link
 * CompletableFuture#orTimeout}), and it does not appear in {@code cohort status}. Use a job for
 * many inputs, files, retries and exactly-once results.
 */
public final class DirectClient implements AutoCloseable {

  private final CohortClient coordinator;
  private final ObjectMapper json = ApiJson.newMapper();
  private final Map<String, NodeConnection> connections = new ConcurrentHashMap<>();

  /** When each node may be connected to again. */
  private final Reconnects reconnects = new Reconnects(RETRY_NANOS, System::nanoTime);

  /** Addresses a thread is connecting to: other threads wait for it rather than connect too. */
  private final Map<String, CompletableFuture<Void>> opening = new ConcurrentHashMap<>();

  private volatile boolean closed;
  private volatile List<NodeStatus> nodes;
  private volatile long nodesRead;

  /** How long the list of nodes is used before it is read again, so nodes that joined get calls. */
  static final long REFRESH_NANOS = 30_000_000_000L;

  /**
   * How long a node gets no calls after its connection broke, or after an attempt to connect failed
   * (counted from the failure): the coordinator lists a lost node until its failure detector has
   * spoken, and a connection attempt to a host that is gone waits for the connect timeout.
   */
  static final long RETRY_NANOS = 5_000_000_000L;

  /** Direct calls through the nodes of {@code coordinator}'s cluster. */
  public DirectClient(CohortClient coordinator) {
    this.coordinator = coordinator;
  }

  /** Runs {@code task} with its default parameters on {@code input}; completes with its output. */
  public CompletableFuture<JsonNode> call(String task, Object input) {
    return call(task, Map.of(), input);
  }

  /**
   * Runs {@code task} with {@code params} on {@code input}. Every failure comes through the future,
   * the coordinator's being unreachable included. The future completes with the output, or
   * exceptionally: with {@link TaskFailedException} when the task failed (or its task, parameters
   * or input were wrong), with {@link CohortException} when no node could run it or the node's
   * connection broke.
   */
  public CompletableFuture<JsonNode> call(String task, Map<String, ?> params, Object input) {
    try {
      Map<String, JsonNode> tree = new LinkedHashMap<>();
      params.forEach((key, value) -> tree.put(key, json.valueToTree(value)));
      JsonNode inputTree = json.valueToTree(input);
      return connectionFor(task).call(task, tree, inputTree);
    } catch (RuntimeException e) {
      // An input Jackson cannot write, or a coordinator that cannot be reached.
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Like {@link #call(String, Object)}, with the output read as {@code type}. */
  public <T> CompletableFuture<T> call(String task, Object input, Class<T> type) {
    return call(task, input).thenApply(output -> json.convertValue(output, type));
  }

  /** A live connection to the least busy node that offers the task; connects when needed. */
  private NodeConnection connectionFor(String task) {
    for (int attempt = 0; attempt < 2; attempt++) {
      List<NodeStatus> known = nodes;
      if (known == null || attempt > 0 || System.nanoTime() - nodesRead > REFRESH_NANOS) {
        known = coordinator.cluster().nodes();
        nodes = known;
        nodesRead = System.nanoTime();
      }
      Optional<NodeConnection> best = best(known, task);
      if (best.isPresent()) {
        return best.get();
      }
    }
    if (offering(nodes, task).isEmpty()) {
      throw new CohortException(
          "no node of the cluster at "
              + coordinator.base()
              + " takes direct calls of task '"
              + task
              + "': check 'cohort tasks' for the name, and that the nodes run with direct calls on"
              + " (cohort.node.direct-calls)",
          0,
          null);
    }
    throw new CohortException(
        "no node that takes direct calls of task '"
            + task
            + "' could be reached just now (those offering it: "
            + String.join(", ", offering(nodes, task).stream().map(NodeStatus::direct).toList())
            + "): they may have stopped or be unreachable from here; call again in a few seconds,"
            + " or check 'cohort nodes'",
        0,
        null);
  }

  private static List<NodeStatus> offering(List<NodeStatus> known, String task) {
    return known.stream()
        .filter(n -> n.direct() != null && "UP".equals(n.status()) && n.tasks().contains(task))
        .toList();
  }

  private Optional<NodeConnection> best(List<NodeStatus> known, String task) {
    List<NodeStatus> offering = offering(known, task);
    List<NodeConnection> live =
        offering.stream()
            .map(n -> connections.get(n.direct()))
            .filter(c -> c != null && c.alive())
            .toList();
    if (live.size() == offering.size() && !live.isEmpty()) {
      return live.stream().min(Comparator.comparingInt(NodeConnection::inFlight));
    }
    // Connect to the nodes not connected yet; a node whose connection broke, or that could not
    // be reached, a moment ago is left out until its time to try again. While some node is
    // connected, calls go there and the others connect in the background: a host that is gone
    // may take the connect timeout to say so.
    for (NodeStatus node : offering) {
      String address = node.direct();
      if (!reconnects.due(address, connections.get(address))) {
        continue;
      }
      if (live.isEmpty()) {
        connect(address);
      } else if (!opening.containsKey(address)) {
        Thread background = new Thread(() -> connect(address), "cohort-direct-connect-" + address);
        background.setDaemon(true);
        background.start();
      }
    }
    return offering.stream()
        .map(n -> connections.get(n.direct()))
        .filter(c -> c != null && c.alive())
        .min(Comparator.comparingInt(NodeConnection::inFlight));
  }

  /**
   * Connects to the address, outside any lock on the map. A thread that finds another connecting to
   * the same address waits for it instead.
   */
  private void connect(String address) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> theirs = opening.putIfAbsent(address, mine);
    if (theirs != null) {
      theirs.join();
      return;
    }
    try {
      NodeConnection current = connections.get(address);
      if (current == null || !current.alive()) {
        try {
          NodeConnection opened =
              NodeConnection.open(
                  address,
                  coordinator.nodeToken().map(cohort.api.security.Token::value).orElse(null));
          connections.put(address, opened);
          reconnects.connected(address);
          if (closed) {
            opened.close(); // the client closed while this connection opened in the background
          }
        } catch (IOException e) {
          reconnects.failed(address);
        }
      }
    } finally {
      opening.remove(address, mine);
      mine.complete(null);
    }
  }

  /** Closes the connections; calls still in flight fail. */
  @Override
  public void close() {
    closed = true;
    connections.values().forEach(NodeConnection::close);
    connections.clear();
  }
}
