/**
 * The Java peer of the benchmark suite: Hazelcast's distributed {@code IExecutorService} with
 * member JVMs on loopback, driven from the harness JVM.
 *
 * <p>{@link cohort.bench.peers.hazelcast.HazelcastPeer} is what the harness uses; {@link
 * cohort.bench.peers.hazelcast.HazelcastMember} is the main class of each member JVM it starts;
 * {@link cohort.bench.peers.hazelcast.HazelcastProbe} runs the peer's cases by hand.
 */
package cohort.bench.peers.hazelcast;
