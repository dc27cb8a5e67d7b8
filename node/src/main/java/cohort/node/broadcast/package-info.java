/**
 * Broadcasts on a node: each fetched once from the coordinator over HTTP and kept on the node's
 * disk by digest, in a cache of bounded size.
 */
package cohort.node.broadcast;
