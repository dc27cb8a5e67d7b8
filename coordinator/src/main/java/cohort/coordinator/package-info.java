/**
 * The coordinator JVM: {@link cohort.coordinator.Coordinator} accepts jobs and dispatches their
 * batches by node credit; {@link cohort.coordinator.CoordinatorApp} starts it with its HTTP API.
 */
package cohort.coordinator;
