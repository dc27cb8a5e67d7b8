/**
 * A Java program that uses Cohort the way a user would: {@link cohort.examples.pool.TopWords}
 * counts the words of text files on a cluster with {@code Cohort.imapUnordered}, shipping its own
 * task ({@link cohort.examples.pool.CountWords}) to the nodes.
 */
package cohort.examples.pool;
