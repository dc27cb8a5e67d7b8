/**
 * One coordinator against many nodes, on paper: {@code bench/run.sh --scale} ({@link
 * cohort.bench.scale.ScaleOnPaper}). The real coordinator actor runs as in {@code cohort submit}'s
 * in-process cluster; the nodes are {@link cohort.bench.scale.SimulatedNode} actors in the same
 * actor system, on threads of their own, that speak the worker protocol with its real records and
 * run no task code. What it measures is the coordinator's side of dispatch (its CPU per batch sent,
 * its heap per node, its CPU per membership change) as the node count grows from 10 to 1,000; the
 * transport, serialization (unless {@code --serialize}) and Pekko's cluster membership are left
 * out. docs/performance.md, "One coordinator, many nodes", has the figures and the method.
 */
package cohort.bench.scale;
