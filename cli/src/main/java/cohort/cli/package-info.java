/**
 * The {@code cohort} command line: one picocli command per subcommand, which submit and follow jobs
 * through {@link cohort.client.CohortClient} or start a coordinator, a node or a local cluster.
 */
package cohort.cli;
