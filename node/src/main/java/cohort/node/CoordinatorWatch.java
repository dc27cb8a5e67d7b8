package cohort.node;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.HostPort;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent.MemberRemoved;
import org.apache.pekko.cluster.ClusterEvent.ReachableMember;
import org.apache.pekko.cluster.ClusterEvent.UnreachableMember;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Ends a node's membership when its coordinator leaves the cluster: a cluster member cannot join
 * another cluster, so the node's runner starts a new membership that joins again. The worker, a
 * child of which this is, reports what it still held as it stops. A node that is stopping says
 * nothing of joining again: its own cluster reports the coordinator removed as it shuts down.
 *
 * <p>While the coordinator is unreachable, it asks the coordinator's HTTP address every {@link
 * #PROBE_EVERY} who serves there ({@code GET /health}): a coordinator restarted on its data folder
 * answers with another incarnation long before this node would give the old one up ({@code
 * cohort.down-unreachable-after}), and the node ends its membership at once to join it (a standby
 * that came up there answers with another incarnation too). When coordinators stand by for it (the
 * node has several to join), a refused connection (nothing listens there any more) ends the
 * membership at once as well: the node joins whichever coordinator is active.
 *
 * <p>Protocol: the cluster's membership events, to which it subscribes itself, and its own probes.
 */
final class CoordinatorWatch extends AbstractBehavior<CoordinatorWatch.Event> {

  /** What the watch hears. */
  sealed interface Event {}

  private record Removed(MemberRemoved event) implements Event {}

  private record Unreachable(UnreachableMember event) implements Event {}

  private record Reachable(ReachableMember event) implements Event {}

  private enum Probe implements Event {
    INSTANCE
  }

  /**
   * Who answered at the coordinator's address: its incarnation, or null when none answered; and
   * whether nothing listens there any more (the connection was refused).
   */
  private record Answered(String incarnation, boolean refused) implements Event {}

  static final Duration PROBE_EVERY = Duration.ofMillis(250);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Cluster cluster;
  private final Supplier<String> coordinatorUrl;
  private final Optional<SSLContext> trust;

  /** Whether coordinators stand by for this one: the node has more than one to join. */
  private final boolean standbys;

  private final TimerScheduler<Event> timers;
  private HttpClient http;

  /** The coordinator member that stopped answering, while it does not answer. */
  private Member lost;

  private boolean asking;

  /**
   * @param coordinatorUrl the coordinator's HTTP URL, or null before it registered this node
   * @param trust what checks an HTTPS coordinator's certificate; empty for the JDK's CAs
   */
  static Behavior<Event> create(Supplier<String> coordinatorUrl, Optional<SSLContext> trust) {
    return Behaviors.withTimers(
        timers ->
            Behaviors.setup(
                context -> new CoordinatorWatch(context, timers, coordinatorUrl, trust)));
  }

  private CoordinatorWatch(
      ActorContext<Event> context,
      TimerScheduler<Event> timers,
      Supplier<String> coordinatorUrl,
      Optional<SSLContext> trust) {
    super(context);
    this.cluster = Cluster.get(context.getSystem());
    this.timers = timers;
    this.coordinatorUrl = coordinatorUrl;
    this.trust = trust;
    this.standbys =
        context.getSystem().settings().config().getStringList("pekko.cluster.seed-nodes").size()
            > 1;
    cluster
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(MemberRemoved.class, Removed::new), MemberRemoved.class));
    cluster
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(UnreachableMember.class, Unreachable::new),
                UnreachableMember.class));
    cluster
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(ReachableMember.class, Reachable::new),
                ReachableMember.class));
  }

  @Override
  public Receive<Event> createReceive() {
    return newReceiveBuilder()
        .onMessage(Removed.class, removed -> onMemberRemoved(removed.event()))
        .onMessage(Unreachable.class, this::onUnreachable)
        .onMessage(Reachable.class, this::onReachable)
        .onMessageEquals(Probe.INSTANCE, this::onProbe)
        .onMessage(Answered.class, this::onAnswered)
        .build();
  }

  private static boolean isCoordinator(Member member) {
    return member.hasRole(CoordinatorProtocol.COORDINATOR_ROLE);
  }

  private Behavior<Event> onUnreachable(Unreachable unreachable) {
    Member member = unreachable.event().member();
    if (isCoordinator(member) && lost == null) {
      lost = member;
      timers.startTimerWithFixedDelay(Probe.INSTANCE, PROBE_EVERY);
    }
    return this;
  }

  private Behavior<Event> onReachable(Reachable reachable) {
    if (lost != null && reachable.event().member().equals(lost)) {
      lost = null;
      timers.cancel(Probe.INSTANCE);
    }
    return this;
  }

  /** Asks who serves at the coordinator's HTTP address, one question at a time. */
  private Behavior<Event> onProbe() {
    String url = coordinatorUrl.get();
    if (lost == null || asking || url == null) {
      return this;
    }
    asking = true;
    HttpRequest health =
        HttpRequest.newBuilder(URI.create(url).resolve("/health"))
            .timeout(Duration.ofSeconds(1))
            .GET()
            .build();
    getContext()
        .pipeToSelf(
            http().sendAsync(health, HttpResponse.BodyHandlers.ofString()),
            (response, failure) ->
                failure == null
                    ? new Answered(incarnation(response), false)
                    : new Answered(null, refused(failure)));
    return this;
  }

  private static String incarnation(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      return null;
    }
    try {
      return JSON.readTree(response.body()).path("incarnation").textValue();
    } catch (java.io.IOException e) {
      return null; // something else serves there
    }
  }

  private static boolean refused(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.ConnectException) {
        return true;
      }
    }
    return false;
  }

  private Behavior<Event> onAnswered(Answered answered) {
    asking = false;
    if (lost == null) {
      return this;
    }
    String why;
    if (standbys && answered.refused()) {
      // Nothing listens where it served: it is gone, and one standing by takes over.
      why =
          "the coordinator at {} is gone; node {} ends this membership to join the next active"
              + " one";
    } else if (answered.incarnation() != null
        && !answered.incarnation().equals(Long.toString(lost.uniqueAddress().longUid()))) {
      why = "a new coordinator serves at {}; node {} ends this membership to join it";
    } else {
      return this;
    }
    timers.cancel(Probe.INSTANCE);
    getContext()
        .getLog()
        .warn(why, coordinatorUrl.get(), HostPort.of(cluster.selfMember().address()));
    // Downed, the membership ends at once; leaving would wait for the lost coordinator's consent.
    cluster.manager().tell(new Down(cluster.selfMember().address()));
    return this;
  }

  private HttpClient http() {
    if (http == null) {
      HttpClient.Builder builder =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(1));
      trust.ifPresent(builder::sslContext);
      http = builder.build();
    }
    return http;
  }

  private Behavior<Event> onMemberRemoved(MemberRemoved removed) {
    Member member = removed.member();
    if (!isCoordinator(member) || member.address().equals(cluster.selfMember().address())) {
      return this;
    }
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(getContext().getSystem());
    if (shutdown.getShutdownReason().isPresent()) {
      // This membership ends already (the node is stopped, or downed itself): as its cluster shuts
      // down it reports every other member removed, the coordinator too, which still runs. Whether
      // the node joins again is the runner's to say.
      getContext()
          .getLog()
          .debug(
              "the coordinator {} is removed from the view of node {}, which stops",
              HostPort.of(member.address()),
              HostPort.of(cluster.selfMember().address()));
      return this;
    }
    getContext()
        .getLog()
        .warn(
            "the coordinator {} left the cluster; node {} ends this membership to join again",
            HostPort.of(member.address()),
            HostPort.of(cluster.selfMember().address()));
    shutdown.run(NodeApp.CoordinatorLost.INSTANCE);
    return this;
  }
}
