/** The tasks every node offers: {@code echo}, {@code sleep} and {@code sum-range}. */
package cohort.node.tasks;
