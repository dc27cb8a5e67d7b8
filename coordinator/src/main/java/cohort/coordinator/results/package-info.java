/**
 * Results on their way to clients: a job's {@link cohort.coordinator.results.ResultLog} on disk and
 * the {@link cohort.coordinator.results.ResultWriter} actor that fills it.
 */
package cohort.coordinator.results;
