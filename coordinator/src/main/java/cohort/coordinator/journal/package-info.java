/**
 * The coordinator's journal: what it must know again after a crash, kept with Pekko Persistence
 * over JDBC, in an H2 file of the data folder by default. Each job has a {@link
 * cohort.coordinator.journal.JobRecord}: its acceptance, how far its result log is synced, its
 * cancellation and its end, as events written at job level, never per batch or per result.
 */
package cohort.coordinator.journal;
