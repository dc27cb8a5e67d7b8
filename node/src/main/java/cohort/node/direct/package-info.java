/**
 * A node's direct port: one-input task calls straight from a client, over one connection, beside
 * the jobs the coordinator dispatches.
 */
package cohort.node.direct;
