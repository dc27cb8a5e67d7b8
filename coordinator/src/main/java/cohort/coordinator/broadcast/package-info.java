/**
 * Broadcasts: the data clients upload once by digest for jobs to name, kept in the data folder for
 * each node to fetch once.
 */
package cohort.coordinator.broadcast;
