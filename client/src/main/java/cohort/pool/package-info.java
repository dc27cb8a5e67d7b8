/**
 * Cohort from Java, the way Python's {@code multiprocessing.Pool} is used: {@link
 * cohort.pool.Cohort} runs a task over inputs on a cluster ({@code map}, {@code imap}, {@code
 * imapUnordered}, {@code submit}, {@code mapAsync}), with the task's code shipped to the nodes.
 */
package cohort.pool;
