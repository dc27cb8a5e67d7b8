package cohort.node;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.HostPort;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent.MemberRemoved;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Ends a node's membership when its coordinator leaves the cluster: a cluster member cannot join
 * another cluster, so the node's runner starts a new membership that joins again. The worker, a
 * child of which this is, reports what it still held as it stops. A node that is stopping says
 * nothing of joining again: its own cluster reports the coordinator removed as it shuts down.
 *
 * <p>Protocol: the cluster's {@link MemberRemoved} events, to which it subscribes itself.
 */
final class CoordinatorWatch extends AbstractBehavior<MemberRemoved> {

  private final Cluster cluster;

  static Behavior<MemberRemoved> create() {
    return Behaviors.setup(CoordinatorWatch::new);
  }

  private CoordinatorWatch(ActorContext<MemberRemoved> context) {
    super(context);
    this.cluster = Cluster.get(context.getSystem());
    cluster.subscriptions().tell(Subscribe.create(context.getSelf(), MemberRemoved.class));
  }

  @Override
  public Receive<MemberRemoved> createReceive() {
    return newReceiveBuilder().onMessage(MemberRemoved.class, this::onMemberRemoved).build();
  }

  private Behavior<MemberRemoved> onMemberRemoved(MemberRemoved removed) {
    Member member = removed.member();
    if (!member.hasRole(CoordinatorProtocol.COORDINATOR_ROLE)
        || member.address().equals(cluster.selfMember().address())) {
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
