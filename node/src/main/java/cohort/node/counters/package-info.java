/**
 * Job counters on a node: what one attempt of an input adds ({@link
 * cohort.node.counters.AttemptCounters}) and the rule for counter names ({@link
 * cohort.node.counters.CounterNames}). The additions travel with the input's result; the
 * coordinator counts them only when it takes that result as the input's final one.
 */
package cohort.node.counters;
