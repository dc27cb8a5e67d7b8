/**
 * An example of a user's task plugin: {@link cohort.examples.wordcount.WordCountTask}. The jar
 * holds the class and its {@code META-INF/services/cohort.task.Task} entry, nothing else.
 */
package cohort.examples.wordcount;
