/**
 * A job's log in the manner of GNU parallel's {@code --joblog}: one row per input with where and
 * when it ran, how long, how many attempts it took and how it ended. The rows are written next to
 * the job's result log, in the same order and with the same kept length, so they survive what the
 * results survive; inputs without a result get their row when the log is read.
 */
package cohort.coordinator.joblog;
