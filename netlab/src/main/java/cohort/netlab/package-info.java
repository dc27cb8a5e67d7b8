/**
 * A network lab on one Linux machine: hosts in network namespaces joined by a bridge, each with its
 * own address from 198.18.0.0/15 (reserved for network tests), where Cohort's coordinator and nodes
 * run as they would on separate machines. The lab cuts and heals links, delays traffic through a
 * TCP relay, and freezes, kills or skews the clock of processes; the system tests and the chaos run
 * ({@code bench/chaos.sh}) build on it. It needs root (for {@code ip netns}); {@link
 * cohort.netlab.Lab#unavailable()} says why when it cannot run.
 */
package cohort.netlab;
