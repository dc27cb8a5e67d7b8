/** How {@link cohort.pool.Cohort#local(int)} finds a cluster to start inside the program. */
package cohort.pool.spi;
