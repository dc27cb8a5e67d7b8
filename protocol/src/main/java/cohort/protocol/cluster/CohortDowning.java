package cohort.protocol.cluster;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.HostPort;
import java.time.Duration;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.DowningProvider;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.remote.FailureDetectorRegistry;
import org.apache.pekko.remote.artery.ThisActorSystemQuarantinedEvent;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

/**
 * Cohort's downing provider ({@code pekko.cluster.downing-provider-class} in {@code
 * conf/cohort.conf}): the coordinator downs nodes and never itself; a node downs only itself.
 *
 * <p>A Cohort cluster is a star: the coordinator holds every job, the nodes are replaceable
 * capacity, so the side that keeps the coordinator is always the one to survive.
 *
 * <ul>
 *   <li>On the coordinator, a member that has been unreachable for {@value #AFTER_KEY}, whoever
 *       noticed it, is downed. Its work ran elsewhere as soon as it became unreachable; downing
 *       lets the cluster converge again, so that new nodes become Up. A member that quarantined the
 *       coordinator is downed too.
 *   <li>On a node, a coordinator unreachable for as long, and not heard by this node's own failure
 *       detector, means the coordinator crashed or this node is cut off from it; a member that
 *       quarantined this node means it was removed while it could not hear of it. Either way the
 *       node downs itself, which ends its actor system; the node JVM then starts a new one that
 *       joins again. A node that still hears the coordinator leaves the matter to the node that
 *       lost it.
 * </ul>
 *
 * <p>Pekko's split brain resolver is made for clusters of equals and cannot be used here: when
 * nodes die one after another (a poison input takes down each node it is retried on), a node that
 * saw another one go before it died itself counts as "indirectly connected", and the resolver's
 * answer to that is to down every member, the coordinator and its jobs included.
 */
public final class CohortDowning extends DowningProvider {

  /** The setting: how long a member must stay unreachable before it is downed. */
  public static final String AFTER_KEY = "cohort.down-unreachable-after";

  private final Duration after;

  /**
   * Called by Pekko with the actor system it starts the cluster in.
   *
   * @throws IllegalArgumentException when {@value #AFTER_KEY} is not a positive duration
   */
  public CohortDowning(org.apache.pekko.actor.ActorSystem system) {
    this.after = downAfter(system.settings().config());
  }

  /**
   * Reads and checks {@value #AFTER_KEY}.
   *
   * @throws IllegalArgumentException when it is not a positive duration
   */
  public static Duration downAfter(com.typesafe.config.Config config) {
    Duration after = config.getDuration(AFTER_KEY);
    if (after.isZero() || after.isNegative()) {
      throw new IllegalArgumentException(
          AFTER_KEY + " = " + after + ": use a positive duration such as 5s");
    }
    return after;
  }

  @Override
  public FiniteDuration downRemovalMargin() {
    return FiniteDuration.Zero();
  }

  @Override
  public Option<Props> downingActorProps() {
    return Option.apply(Adapter.props(() -> Downer.create(after)));
  }

  /**
   * Watches reachability with one timer per unreachable member that this member may act on,
   * cancelled when the member becomes reachable again or is removed.
   */
  static final class Downer extends AbstractBehavior<Downer.Event> {

    interface Event {}

    private record Unreachable(ClusterEvent.UnreachableMember event) implements Event {}

    private record Reachable(ClusterEvent.ReachableMember event) implements Event {}

    private record Removed(ClusterEvent.MemberRemoved event) implements Event {}

    private record Quarantined(ThisActorSystemQuarantinedEvent event) implements Event {}

    private record StillUnreachable(UniqueAddress member) implements Event {}

    static Behavior<Event> create(Duration after) {
      return Behaviors.setup(
          context -> Behaviors.withTimers(timers -> new Downer(context, timers, after)));
    }

    private final TimerScheduler<Event> timers;
    private final Duration after;
    private final Cluster cluster;
    private final org.apache.pekko.cluster.Cluster classicCluster;
    private final boolean coordinator;

    private Downer(ActorContext<Event> context, TimerScheduler<Event> timers, Duration after) {
      super(context);
      this.timers = timers;
      this.after = after;
      this.cluster = Cluster.get(context.getSystem());
      this.classicCluster =
          org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(context.getSystem()));
      this.coordinator = cluster.selfMember().hasRole(CoordinatorProtocol.COORDINATOR_ROLE);
      context.setLoggerName(CohortDowning.class);
      cluster
          .subscriptions()
          .tell(
              Subscribe.create(
                  context.messageAdapter(ClusterEvent.UnreachableMember.class, Unreachable::new),
                  ClusterEvent.UnreachableMember.class));
      cluster
          .subscriptions()
          .tell(
              Subscribe.create(
                  context.messageAdapter(ClusterEvent.ReachableMember.class, Reachable::new),
                  ClusterEvent.ReachableMember.class));
      cluster
          .subscriptions()
          .tell(
              Subscribe.create(
                  context.messageAdapter(ClusterEvent.MemberRemoved.class, Removed::new),
                  ClusterEvent.MemberRemoved.class));
      context
          .getSystem()
          .eventStream()
          .tell(
              new EventStream.Subscribe<>(
                  ThisActorSystemQuarantinedEvent.class,
                  context.messageAdapter(ThisActorSystemQuarantinedEvent.class, Quarantined::new)));
    }

    @Override
    public Receive<Event> createReceive() {
      return newReceiveBuilder()
          .onMessage(Unreachable.class, this::onUnreachable)
          .onMessage(Reachable.class, this::onReachable)
          .onMessage(Removed.class, this::onRemoved)
          .onMessage(StillUnreachable.class, this::onStillUnreachable)
          .onMessage(Quarantined.class, this::onQuarantined)
          .build();
    }

    private Behavior<Event> onUnreachable(Unreachable unreachable) {
      Member member = unreachable.event().member();
      boolean watched =
          coordinator ? !isSelf(member) : member.hasRole(CoordinatorProtocol.COORDINATOR_ROLE);
      if (watched && !timers.isTimerActive(member.uniqueAddress())) {
        timers.startSingleTimer(
            member.uniqueAddress(), new StillUnreachable(member.uniqueAddress()), after);
      }
      return this;
    }

    private Behavior<Event> onReachable(Reachable reachable) {
      timers.cancel(reachable.event().member().uniqueAddress());
      return this;
    }

    private Behavior<Event> onRemoved(Removed removed) {
      timers.cancel(removed.event().member().uniqueAddress());
      return this;
    }

    private Behavior<Event> onStillUnreachable(StillUnreachable still) {
      for (Member member : cluster.state().getUnreachable()) {
        if (member.uniqueAddress().equals(still.member()) && downable(member)) {
          String why = "unreachable for " + after.toMillis() + " ms";
          if (coordinator) {
            down(member, why);
          } else if (hears(member)) {
            // Another node lost the coordinator; it downs itself. This one keeps its membership.
            timers.startSingleTimer(still.member(), still, after);
          } else {
            downSelf("the coordinator " + HostPort.of(member.address()) + " has been " + why);
          }
        }
      }
      return this;
    }

    /** Whether this member's own failure detector still gets the member's heartbeats. */
    private boolean hears(Member member) {
      FailureDetectorRegistry<Address> detector = classicCluster.failureDetector();
      return detector.isMonitoring(member.address()) && detector.isAvailable(member.address());
    }

    /** A member no longer talks to this one: Pekko cannot undo that, so one of the two goes. */
    private Behavior<Event> onQuarantined(Quarantined quarantined) {
      org.apache.pekko.remote.UniqueAddress remote = quarantined.event().remoteAddress();
      for (Member member : cluster.state().getMembers()) {
        if (member.address().equals(remote.address())
            && member.uniqueAddress().longUid() == remote.uid()
            && downable(member)) {
          if (coordinator) {
            down(member, "it quarantined the coordinator");
          } else {
            downSelf(HostPort.of(remote.address()) + " quarantined this node");
          }
        }
      }
      return this;
    }

    private void down(Member member, String why) {
      getContext()
          .getLog()
          .warn(
              "downing {}: {}; if it still runs it joins again",
              HostPort.of(member.address()),
              why);
      cluster.manager().tell(new Down(member.address()));
    }

    private void downSelf(String why) {
      getContext().getLog().warn("{}; this node ends its membership and joins again", why);
      cluster.manager().tell(new Down(cluster.selfMember().address()));
    }

    private boolean isSelf(Member member) {
      return member.uniqueAddress().equals(cluster.selfMember().uniqueAddress());
    }

    private boolean downable(Member member) {
      return !isSelf(member)
          && member.status() != MemberStatus.down()
          && member.status() != MemberStatus.exiting()
          && member.status() != MemberStatus.removed();
    }
  }
}
