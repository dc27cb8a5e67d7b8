/**
 * Clusters started by the command line: {@link cohort.cli.local.LocalCluster} runs a coordinator
 * and nodes as child JVMs ({@code cohort local}), {@link cohort.cli.local.EmbeddedCluster} runs
 * both inside the calling JVM (a {@code cohort submit} without a coordinator).
 */
package cohort.cli.local;
