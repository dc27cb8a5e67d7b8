package cohort.node;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.HostPort;
import cohort.protocol.cluster.SelfMember;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a node's membership until it is Up, and says in the node's log why it waits ({@link
 * JoinWait}): it looks up each address the node joins every {@link #EVERY}, and once the node has
 * waited {@link #GRACE}, tries a plain connection to each port that resolves, until one answered
 * for {@link #ANSWERING}. Pekko does the joining itself, and looks a name up again at each attempt,
 * so a coordinator whose DNS record appears late is joined without this watch.
 */
final class JoinWatch {

  private static final Logger LOG = LoggerFactory.getLogger(JoinWatch.class);

  /** How often the addresses are looked at. */
  static final Duration EVERY = Duration.ofSeconds(1);

  /** How long a join may take before the node tries the ports, to say why it waits. */
  static final Duration GRACE = Duration.ofSeconds(5);

  /**
   * How long a port may answer without letting the node in before the node says so: a coordinator
   * that answers lets a node in within a second or two, once the node's own lookups of its name
   * succeed (see {@code pekko.io.dns} in conf/node.conf).
   */
  static final Duration ANSWERING = Duration.ofSeconds(10);

  private static final int CONNECT_TIMEOUT_MS = 2000;

  private final ActorSystem<?> system;
  private final List<HostPort> join;
  private final JoinWait wait;
  private final long start = System.nanoTime();
  private volatile boolean up;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "cohort-join-watch");
            thread.setDaemon(true);
            return thread;
          });

  private JoinWatch(ActorSystem<?> system, List<HostPort> join) {
    this.system = system;
    this.join = List.copyOf(join);
    this.wait = new JoinWait(join, GRACE, ANSWERING);
  }

  /** Starts watching a new membership that joins {@code join}; it ends when Up or terminated. */
  static void start(ActorSystem<?> system, List<HostPort> join) {
    JoinWatch watch = new JoinWatch(system, join);
    watch.timer.scheduleWithFixedDelay(watch::look, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    SelfMember.whenUp(
        system,
        () -> {
          watch.up = true;
          try {
            watch.timer.execute(watch::joined);
          } catch (RejectedExecutionException e) {
            // the membership ended as it began
          }
        });
    system.getWhenTerminated().thenRun(watch.timer::shutdownNow);
  }

  private Duration waited() {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private void look() {
    if (up) {
      return;
    }
    try {
      say(waited());
    } catch (RuntimeException e) {
      // A look that fails says nothing; the next one comes all the same (an exception would
      // cancel the schedule), and Pekko's joining does not depend on it.
      LOG.debug("could not look at the addresses to join: {}", e.toString());
    }
  }

  private void say(Duration waited) {
    boolean probe = wait.shouldProbe(waited);
    List<JoinWait.Sighting> sightings = new ArrayList<>();
    for (HostPort address : join) {
      sightings.add(sight(address, probe));
    }
    wait.seen(sightings, waited).ifPresent(LOG::warn);
  }

  private void joined() {
    String coordinator =
        StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
            .filter(member -> member.hasRole(CoordinatorProtocol.COORDINATOR_ROLE))
            .map(member -> HostPort.of(member.address()).toString())
            .findFirst()
            .orElse("?");
    wait.joined(waited(), coordinator).ifPresent(LOG::info);
    timer.shutdown();
  }

  /** Looks the address up and, when {@code probe}, tries a connection to its port. */
  private static JoinWait.Sighting sight(HostPort address, boolean probe) {
    InetAddress[] resolved;
    try {
      resolved = InetAddress.getAllByName(address.host());
    } catch (UnknownHostException e) {
      return new JoinWait.Sighting(address, JoinWait.State.NO_NAME, String.valueOf(e.getMessage()));
    }
    String addresses =
        Arrays.stream(resolved).map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
    if (!probe) {
      return new JoinWait.Sighting(address, JoinWait.State.RESOLVES, addresses);
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(resolved[0], address.port()), CONNECT_TIMEOUT_MS);
      return new JoinWait.Sighting(address, JoinWait.State.ANSWERS, addresses);
    } catch (IOException e) {
      return new JoinWait.Sighting(
          address, JoinWait.State.NO_ANSWER, String.valueOf(e.getMessage()));
    }
  }
}
