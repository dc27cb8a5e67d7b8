/**
 * The task SPI: implement {@link cohort.task.Task}, list the class in {@code
 * META-INF/services/cohort.task.Task}, and put the jar on a node's classpath or in its plugin
 * folder.
 */
package cohort.task;
