package cohort.protocol.cluster;

import cohort.protocol.HostPort;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * What an actor system of Cohort is in its cluster: a member of one, as every coordinator and node
 * JVM is, or an actor system without the cluster, as the in-process cluster of {@code cohort
 * submit} is. That one runs a coordinator and a node in a single actor system ({@code
 * pekko.actor.provider = local}) that nobody else can join, so it does without the transport, the
 * membership protocol and the failure detector: its roles start at once instead of once a member is
 * Up, and no membership events ever come.
 */
public final class SelfMember {

  /** The address of an actor system without the cluster, where a member shows its host:port. */
  public static final String IN_PROCESS = "in-process";

  private static final String CLUSTER_PROVIDER = "org.apache.pekko.cluster.ClusterActorRefProvider";

  private SelfMember() {}

  /** Whether the actor system is a cluster member ({@code pekko.actor.provider = cluster}). */
  public static boolean inCluster(ActorSystem<?> system) {
    return system.classicSystem().settings().ProviderClass().equals(CLUSTER_PROVIDER);
  }

  /** The member's {@code host:port}, or {@link #IN_PROCESS} for a system without the cluster. */
  public static String address(ActorSystem<?> system) {
    return inCluster(system)
        ? HostPort.of(Cluster.get(system).selfMember().address()).toString()
        : IN_PROCESS;
  }

  /**
   * Runs {@code start} on one of the actor system's threads once this member is Up; at once in a
   * system without the cluster. Either way the caller goes on in parallel: the in-process cluster
   * starts its node while its coordinator builds the HTTP API.
   */
  public static void whenUp(ActorSystem<?> system, Runnable start) {
    if (inCluster(system)) {
      org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(start);
    } else {
      system.executionContext().execute(start);
    }
  }
}
