/**
 * Code that travels: the jars clients upload by digest, kept in the data folder for the nodes to
 * fetch, and the deployments that make their tasks known by name.
 */
package cohort.coordinator.code;
