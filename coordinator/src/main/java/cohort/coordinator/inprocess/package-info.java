/**
 * Clients of the coordinator in its own JVM: the HTTP API's job requests without HTTP, for the
 * in-process cluster of {@code cohort submit}.
 */
package cohort.coordinator.inprocess;
