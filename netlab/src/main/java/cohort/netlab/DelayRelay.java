package cohort.netlab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay that adds a fixed delay to every byte, each way: what a long link does to a
 * connection, for a kernel without the {@code netem} queueing discipline. Each direction is a delay
 * line, not a stop-and-wait: bytes read at time t are written at t + delay, while later bytes keep
 * being read, so the bandwidth stays and only the latency grows.
 *
 * <p>Run as {@code java cohort.netlab.DelayRelay DELAY_MS LISTEN_HOST:PORT=TARGET_HOST:PORT ...}
 * (in a lab host); it prints {@code relay ready} once it listens on every address.
 */
public final class DelayRelay {

  private final long delayNanos;

  private DelayRelay(long delayMillis) {
    this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: DelayRelay DELAY_MS LISTEN_HOST:PORT=TARGET_HOST:PORT ...");
      System.exit(2);
    }
    DelayRelay relay = new DelayRelay(Long.parseLong(args[0]));
    List<ServerSocket> listening = new ArrayList<>();
    for (String route : Arrays.asList(args).subList(1, args.length)) {
      String[] ends = route.split("=", 2);
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(address(ends[0]));
      listening.add(server);
      InetSocketAddress target = address(ends[1]);
      daemon(() -> relay.accept(server, target), "accept-" + ends[0]);
    }
    System.out.println("relay ready listening=" + listening.size());
    System.out.flush();
    // Runs until killed; the accepting threads are daemons, so this thread keeps the JVM alive.
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private void accept(ServerSocket server, InetSocketAddress target) {
    while (true) {
      Socket inbound;
      try {
        inbound = server.accept();
      } catch (IOException e) {
        return;
      }
      daemon(() -> connect(inbound, target), "connect-" + inbound.getRemoteSocketAddress());
    }
  }

  private void connect(Socket inbound, InetSocketAddress target) {
    Socket outbound = new Socket();
    try {
      inbound.setTcpNoDelay(true);
      outbound.setTcpNoDelay(true);
      outbound.connect(target, 10_000);
    } catch (IOException e) {
      closeQuietly(inbound, outbound);
      return;
    }
    line(inbound, outbound);
    line(outbound, inbound);
  }

  /** One direction of a connection: a reader that stamps each chunk, a writer that holds it. */
  private void line(Socket from, Socket to) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    daemon(() -> read(from, to, queue), "read");
    daemon(() -> write(from, to, queue), "write");
  }

  private record Chunk(long due, byte[] bytes) {}

  private void read(Socket from, Socket to, BlockingQueue<Chunk> queue) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = from.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
      }
      queue.add(new Chunk(System.nanoTime() + delayNanos, null)); // end of stream
    } catch (IOException e) {
      closeQuietly(from, to);
      queue.add(new Chunk(0, null));
    }
  }

  private void write(Socket from, Socket to, BlockingQueue<Chunk> queue) {
    try {
      OutputStream out = to.getOutputStream();
      while (true) {
        Chunk chunk = queue.take();
        long wait = chunk.due() - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        if (chunk.bytes() == null) {
          to.shutdownOutput();
          return;
        }
        out.write(chunk.bytes());
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      closeQuietly(from, to);
    }
  }

  private static void closeQuietly(Socket... sockets) {
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private static void daemon(Runnable body, String name) {
    Thread thread = new Thread(body, "relay-" + name);
    thread.setDaemon(true);
    thread.start();
  }
}
