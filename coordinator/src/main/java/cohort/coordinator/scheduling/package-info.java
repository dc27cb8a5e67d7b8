/**
 * Who gets the cluster's slots: priorities and fair share between jobs ({@link
 * cohort.coordinator.scheduling.Shares}), the cap on running jobs ({@link
 * cohort.coordinator.scheduling.Admission}), and the limits jobs ask for: a cap on one job's
 * running inputs, named limits shared by jobs (a cluster-wide semaphore, or a lock at 1) and rates
 * ({@link cohort.coordinator.scheduling.JobPolicy}). Plain classes: the dispatcher asks them, they
 * decide.
 */
package cohort.coordinator.scheduling;
