/**
 * A coordinator that starts again on its data folder: it reads back what the journal holds about
 * each job and what its result log kept, and rebuilds the jobs as they were at the last sync, so
 * running jobs go on, and ended ones stay readable, under the same ids.
 */
package cohort.coordinator.recovery;
