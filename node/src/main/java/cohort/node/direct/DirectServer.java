package cohort.node.direct;

import cohort.api.direct.DirectAuth;
import cohort.api.direct.DirectCall;
import cohort.api.direct.DirectFrames;
import cohort.api.direct.DirectReply;
import cohort.api.security.Token;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's direct port: clients connect once and send one-input task calls over the connection,
 * many in flight, each answered as it ends. Each connection has a thread that reads its calls; the
 * calls run on the server's own threads, as many at once as the node has slots, beside the slots
 * that run jobs; replies are written under the connection's lock. A connection that sends something
 * else than calls is closed, and the node goes on.
 */
public final class DirectServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DirectServer.class);

  /**
   * Calls one connection may have read but not answered; beyond that its reader waits, and TCP
   * slows the client down instead of the node's memory filling up.
   */
  static final int MAX_HELD_PER_CONNECTION = 10_000;

  /** How long a new connection may take to send its hello and token. */
  static final int HELLO_TIMEOUT_MS = 10_000;

  private final ServerSocket socket;
  private final DirectCalls calls;
  private final Supplier<Optional<Token>> nodeToken;
  private final ExecutorService runners;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private DirectServer(
      ServerSocket socket, DirectCalls calls, Supplier<Optional<Token>> nodeToken, int threads) {
    this.socket = socket;
    this.calls = calls;
    this.nodeToken = nodeToken;
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable -> daemon(runnable, "cohort-direct-call-" + count.incrementAndGet()));
    pool.allowCoreThreadTimeOut(true);
    this.runners = pool;
  }

  /**
   * Binds the direct port and starts accepting connections.
   *
   * @param host the interface to bind, as the node's cluster port does
   * @param port the port; 0 picks a free one
   * @param nodeToken the token a client must present; empty until the coordinator registered the
   *     node, and no client is served until then
   * @param threads calls run at once
   * @throws IOException when the port cannot be bound
   */
  public static DirectServer start(
      String host, int port, DirectCalls calls, Supplier<Optional<Token>> nodeToken, int threads)
      throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      socket.close();
      throw new IOException(
          "cannot bind the direct port " + host + ":" + port + ": " + e.getMessage(), e);
    }
    DirectServer server = new DirectServer(socket, calls, nodeToken, threads);
    daemon(server::accept, "cohort-direct-accept").start();
    return server;
  }

  /** The address bound, as {@code host:port}. */
  public String address() {
    return socket.getInetAddress().getHostAddress() + ":" + socket.getLocalPort();
  }

  /** The port bound. */
  public int port() {
    return socket.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("the direct port stopped accepting connections: {}", e.getMessage());
        }
        return;
      }
      connections.add(connection);
      daemon(() -> serve(connection), "cohort-direct-" + connection.getPort()).start();
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      connection.setTcpNoDelay(true);
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(connection.getInputStream(), 1 << 16));
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(connection.getOutputStream(), 1 << 16));
      connection.setSoTimeout(HELLO_TIMEOUT_MS);
      DirectFrames.expectHello(in);
      DirectAuth auth = DirectFrames.read(in, DirectAuth.class);
      connection.setSoTimeout(0);
      if (closed) {
        return; // a node that is stopping takes no new connection: the client tries another
      }
      Optional<String> refusal = refusal(auth);
      if (refusal.isPresent()) {
        LOG.warn(
            "refused a direct connection from {}: {}",
            connection.getRemoteSocketAddress(),
            refusal.get());
        DirectFrames.refuse(out, refusal.get());
        return;
      }
      DirectFrames.hello(out);
      Semaphore held = new Semaphore(MAX_HELD_PER_CONNECTION);
      while (!closed) {
        DirectCall call;
        try {
          call = DirectFrames.read(in, DirectCall.class);
        } catch (EOFException e) {
          return; // the client closed the connection
        }
        held.acquire();
        runners.execute(
            () -> {
              try {
                reply(out, calls.run(call));
              } finally {
                held.release();
              }
            });
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SocketException | RejectedExecutionException e) {
      // the node or the client is closing the connection
    } catch (IOException e) {
      LOG.warn(
          "closed a direct connection from {}: {}",
          connection.getRemoteSocketAddress(),
          e.getMessage());
    } finally {
      connections.remove(connection);
    }
  }

  /** Why a client that sent {@code auth} is not served, or empty when it is. */
  private Optional<String> refusal(DirectAuth auth) {
    Optional<Token> token = nodeToken.get();
    if (token.isEmpty()) {
      return Optional.of(
          "this node is not registered with a coordinator yet; try again in a moment");
    }
    if (!token.get().matches(auth.token())) {
      return Optional.of(
          "wrong or missing token: direct calls need the token of the cluster's coordinator"
              + " (CohortClient sends it when it has the coordinator's token)");
    }
    return Optional.empty();
  }

  private static void reply(DataOutputStream out, DirectReply reply) {
    synchronized (out) {
      try {
        DirectFrames.write(out, reply);
        out.flush();
      } catch (IllegalArgumentException e) {
        // an output over the size limit: the call fails, the connection goes on
        writeTooLarge(out, reply, e.getMessage());
      } catch (IOException e) {
        // the client went away; its reader notices
      }
    }
  }

  private static void writeTooLarge(DataOutputStream out, DirectReply reply, String why) {
    try {
      DirectFrames.write(
          out,
          new DirectReply(
              reply.id(),
              null,
              new cohort.api.TaskError("cohort.OutputTooLarge", why, null, 1, null)));
      out.flush();
    } catch (IOException e) {
      // the client went away
    }
  }

  /**
   * Stops accepting and closes every connection before it interrupts the calls still running, so
   * their clients see a lost connection (the call may not have run), not an interrupted task.
   */
  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket connection : connections) {
      try {
        connection.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    runners.shutdownNow();
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }
}
