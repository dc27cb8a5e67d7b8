/**
 * A job's bookkeeping, free of actors: the immutable {@link cohort.coordinator.job.JobState} and
 * the {@link cohort.coordinator.job.JobEvent}s that change it, where inputs come from, how batches
 * are sized, and how outputs are combined.
 */
package cohort.coordinator.job;
