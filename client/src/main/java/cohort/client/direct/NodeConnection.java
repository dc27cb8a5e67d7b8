package cohort.client.direct;

import cohort.api.direct.DirectAuth;
import cohort.api.direct.DirectCall;
import cohort.api.direct.DirectFrames;
import cohort.api.direct.DirectReply;
import cohort.client.CohortException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One persistent connection to a node's direct port: calls go out under a lock, many in flight; a
 * reader thread completes each call's future as its reply arrives. When the connection breaks,
 * every call still in flight fails with a message that says so, and the connection is dead.
 */
final class NodeConnection implements AutoCloseable {

  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private final String address;
  private final Socket socket;
  private final DataOutputStream out;
  private final DataInputStream in;
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile String broken;
  private volatile long brokenAt;

  private NodeConnection(String address, Socket socket) throws IOException {
    this.address = address;
    this.socket = socket;
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
  }

  /**
   * Connects to a node's direct port and waits for its answer to the hello.
   *
   * @param address {@code host:port}
   * @param nodeToken the token nodes ask of clients, or null when the client has none
   * @throws IOException when the node cannot be reached, does not answer as a node, or refuses
   */
  static NodeConnection open(String address, String nodeToken) throws IOException {
    int colon = address.lastIndexOf(':');
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(
          new InetSocketAddress(
              address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
          CONNECT_TIMEOUT_MS);
      NodeConnection connection = new NodeConnection(address, socket);
      DirectFrames.hello(connection.out);
      DirectFrames.write(connection.out, new DirectAuth(nodeToken));
      connection.out.flush();
      // No call goes out before the node has answered: a dying node's port may still accept.
      socket.setSoTimeout(CONNECT_TIMEOUT_MS);
      DirectFrames.expectHello(connection.in);
      socket.setSoTimeout(0);
      Thread reader = new Thread(connection::read, "cohort-direct-reader-" + address);
      reader.setDaemon(true);
      reader.start();
      return connection;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  String address() {
    return address;
  }

  /** Calls in flight on this connection. */
  int inFlight() {
    return pending.size();
  }

  boolean alive() {
    return broken == null;
  }

  /** When the connection broke ({@code System.nanoTime}); meaningful once it is not alive. */
  long brokenAt() {
    return brokenAt;
  }

  /** Sends a call; the future completes with its output, or exceptionally. */
  CompletableFuture<JsonNode> call(String task, Map<String, JsonNode> params, JsonNode input) {
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    long id = ids.incrementAndGet();
    pending.put(id, result);
    try {
      synchronized (out) {
        DirectFrames.write(out, new DirectCall(id, task, params, input));
        out.flush();
      }
    } catch (IllegalArgumentException e) {
      pending.remove(id);
      result.completeExceptionally(e);
    } catch (IOException e) {
      fail("the connection broke while sending a call: " + e.getMessage());
    }
    if (broken != null) {
      // The reader may have failed the pending calls before this one was added.
      failOne(id);
    }
    return result;
  }

  private void read() {
    try {
      while (true) {
        DirectReply reply = DirectFrames.read(in, DirectReply.class);
        CompletableFuture<JsonNode> result = pending.remove(reply.id());
        if (result == null) {
          continue;
        }
        if (reply.succeeded()) {
          result.complete(reply.output());
        } else {
          result.completeExceptionally(new TaskFailedException(reply.error()));
        }
      }
    } catch (IOException e) {
      fail(
          broken != null
              ? broken
              : "the node at "
                  + address
                  + " closed its direct connection (it stopped, or was lost)");
    }
  }

  private void fail(String why) {
    if (broken == null) {
      brokenAt = System.nanoTime();
      broken = why;
    }
    for (Long id : pending.keySet()) {
      failOne(id);
    }
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private void failOne(long id) {
    CompletableFuture<JsonNode> result = pending.remove(id);
    if (result != null) {
      result.completeExceptionally(
          new CohortException(broken + "; the call may not have run: call it again", 0, null));
    }
  }

  @Override
  public void close() {
    fail("the client closed its direct calls");
  }
}
