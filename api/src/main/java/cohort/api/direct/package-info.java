/**
 * Direct calls: a client's one-input task calls sent straight to a node's direct port over one
 * persistent connection, with no job, coordinator or HTTP exchange on their path.
 */
package cohort.api.direct;
