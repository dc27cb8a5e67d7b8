/**
 * The Java client of a Cohort coordinator's HTTP API: {@link cohort.client.CohortClient}. The
 * {@code cli} package holds the {@code cohort} command line, {@code local} the code that starts
 * coordinators and nodes as child JVMs or inside this one.
 */
package cohort.client;
