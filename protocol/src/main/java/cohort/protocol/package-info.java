/**
 * The protocol every Cohort JVM shares: messages between coordinator and nodes ({@link
 * cohort.protocol.CoordinatorProtocol}, {@link cohort.protocol.WorkerProtocol}), the values they
 * carry, and the size limits of the transport. Records only; behaviour lives in the role modules,
 * except the downing rule in {@link cohort.protocol.cluster}, which Pekko requires every member to
 * share.
 */
package cohort.protocol;
