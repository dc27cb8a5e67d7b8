/**
 * The systems Cohort is measured against on the same machine in the same run: Python's process
 * pools, driven through {@code bench/python/peer.py}, and Hazelcast's distributed executor.
 */
package cohort.bench.peers;
