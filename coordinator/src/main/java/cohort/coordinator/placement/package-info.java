/**
 * Where a job may run by the labels it requires: which nodes meet them, and in plain words why no
 * node can run a job, for its refusal or for the status of a job that waits for nodes.
 */
package cohort.coordinator.placement;
