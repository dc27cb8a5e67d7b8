/**
 * The cluster rule every Cohort JVM must share, as code: who may down whom ({@link
 * cohort.protocol.cluster.CohortDowning}). Pekko refuses a member whose downing provider differs
 * from the cluster's, so it lives beside the shared configuration.
 */
package cohort.protocol.cluster;
