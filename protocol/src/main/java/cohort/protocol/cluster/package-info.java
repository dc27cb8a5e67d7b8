/**
 * The cluster rules every Cohort JVM must share, as code: who may down whom ({@link
 * cohort.protocol.cluster.CohortDowning}; Pekko refuses a member whose downing provider differs
 * from the cluster's, so it lives beside the shared configuration), and where a member binds and is
 * reached ({@link cohort.protocol.cluster.MemberHost}).
 */
package cohort.protocol.cluster;
