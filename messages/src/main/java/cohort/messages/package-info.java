/**
 * The protocol every Cohort JVM shares: messages between coordinator and nodes ({@link
 * cohort.messages.CoordinatorProtocol}, {@link cohort.messages.WorkerProtocol}), the values they
 * carry, and the size limits of the transport. Records only; behaviour lives in the role modules,
 * except the downing rule in {@link cohort.messages.cluster}, which Pekko requires every member to
 * share.
 */
package cohort.messages;
