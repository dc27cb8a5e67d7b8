/** The {@code exec} task: a command per input, with GNU parallel's replacement strings. */
package cohort.node.tasks.exec;
