/**
 * The eight cases of the benchmark suite, each a {@link cohort.bench.cases.BenchCase}: tiny tasks
 * batched and one by one, round trips, CPU-bound scaling, thumbnails, recovery, memory and
 * start-up.
 */
package cohort.bench.cases;
