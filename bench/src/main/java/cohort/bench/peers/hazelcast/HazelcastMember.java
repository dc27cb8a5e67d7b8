package cohort.bench.peers.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The main class of one Hazelcast member JVM of the peer, which {@link HazelcastPeer} starts:
 *
 * <pre>
 * HazelcastMember --cluster NAME --port PORT --members 127.0.0.1:P1,127.0.0.1:P2 --size 2
 *                 [--executor-pool-size N]
 * </pre>
 *
 * <p>The member listens on {@code 127.0.0.1:PORT} only and joins the listed members over TCP/IP.
 * Once the cluster has {@code --size} members it prints the one line {@code READY hazelcast
 * member=<uuid> port=<port>} to stdout. It runs until its stdin closes (its parent is gone or has
 * closed it) or it gets SIGTERM, which Hazelcast's shutdown hook handles. Hazelcast logs through
 * {@code java.util.logging} at INFO, to stderr.
 */
public final class HazelcastMember {

  private static final long SIZE_POLL_MILLIS = 20;

  private HazelcastMember() {}

  /**
   * Starts the member, announces it, and waits for stdin to close.
   *
   * @param args the options described on the class
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    Map<String, String> options = options(args);
    String cluster = required(options, "--cluster");
    int port = Integer.parseInt(required(options, "--port"));
    List<String> members = List.of(required(options, "--members").split(","));
    int size = Integer.parseInt(required(options, "--size"));
    int poolSize =
        Integer.parseInt(
            options.getOrDefault(
                "--executor-pool-size", String.valueOf(HazelcastConfigs.DEFAULT_POOL_SIZE)));

    HazelcastInstance member =
        Hazelcast.newHazelcastInstance(
            HazelcastConfigs.member(cluster, port, members, poolSize, false, "jdk"));
    while (member.getCluster().getMembers().size() < size) {
      Thread.sleep(SIZE_POLL_MILLIS);
    }
    System.out.println(
        "READY hazelcast member="
            + member.getCluster().getLocalMember().getUuid()
            + " port="
            + port);
    System.out.flush();

    drain(System.in);
    member.getLifecycleService().terminate();
    System.exit(0);
  }

  /** Reads and discards {@code in} until it ends. */
  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // Nothing is sent on stdin; its end is the signal.
    }
  }

  private static Map<String, String> options(String[] args) {
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("expected --name value pairs, got " + List.of(args));
    }
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing option " + name);
    }
    return value;
  }
}
