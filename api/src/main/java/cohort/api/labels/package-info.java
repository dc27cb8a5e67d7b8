/**
 * Node labels and the labels a job requires: how they are written ({@code gpu}, {@code zone=a}),
 * checked, and matched. One rule, shared by the node that declares labels, the client that asks for
 * them and the coordinator that routes work by them.
 */
package cohort.api.labels;
