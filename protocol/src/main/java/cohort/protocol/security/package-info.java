/**
 * Who may be a member of a Cohort cluster: the cluster's certificate authority ({@link ClusterCa}),
 * the key and certificate each member presents ({@link MemberTls}), and the Artery TLS transport
 * that checks both ends of every connection ({@link ClusterTls}, {@link CohortSslEngineProvider}).
 */
package cohort.protocol.security;
