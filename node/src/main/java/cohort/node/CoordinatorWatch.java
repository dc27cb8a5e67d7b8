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
 * child of which this is, reports what it still held as it stops.
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
    if (member.hasRole(CoordinatorProtocol.COORDINATOR_ROLE)
        && !member.address().equals(cluster.selfMember().address())) {
      getContext()
          .getLog()
          .warn(
              "the coordinator {} left the cluster; node {} will join again",
              HostPort.of(member.address()),
              HostPort.of(cluster.selfMember().address()));
      CoordinatedShutdown.get(getContext().getSystem()).run(NodeApp.CoordinatorLost.INSTANCE);
    }
    return this;
  }
}
