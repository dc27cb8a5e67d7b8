/**
 * The Java client of a Cohort coordinator's HTTP API: {@link cohort.client.CohortClient}. It needs
 * the JDK's HTTP client and Jackson only; the command line that uses it lives in the {@code
 * cohort-cli} module.
 */
package cohort.client;
