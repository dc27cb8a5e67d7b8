/**
 * The benchmark figures and their presentation: series of measurements per system, targets checked
 * on them round by round, the Markdown results page and its chart.
 */
package cohort.bench.report;
