/**
 * The JSON shapes of the coordinator's HTTP API, shared by the coordinator that serves them and the
 * client that reads them.
 */
package cohort.api;
