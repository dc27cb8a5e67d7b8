/**
 * JMH microbenchmarks of the coordinator's hot paths, each in isolation: the job state through
 * dispatch, completion and release ({@link cohort.bench.jmh.DispatchStateBenchmark}), the Jackson
 * CBOR encoding of batches and their results ({@link cohort.bench.jmh.BatchSerializationBenchmark})
 * and the reorder buffer of ordered jobs ({@link cohort.bench.jmh.ReorderBenchmark}).
 *
 * <p>Unlike the other benchmarks of this module, which measure real clusters on loopback, these run
 * no cluster: they call Cohort's classes directly, so a change to one of those paths shows up here
 * in nanoseconds per input or per message before it shows up in cluster throughput.
 *
 * <p>Running: build the module (the JMH annotation processor generates the harness into the
 * module's classes), then run JMH's main class with the module's classpath, for the whole suite
 *
 * <pre>{@code
 * java -cp <bench classes>:<bench dependency classpath> org.openjdk.jmh.Main cohort.bench.jmh
 * }</pre>
 *
 * <p>or one benchmark, with any JMH option after the name pattern, for example a quick check or a
 * parameter subset:
 *
 * <pre>{@code
 * java -cp ... org.openjdk.jmh.Main ReorderBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * java -cp ... org.openjdk.jmh.Main DispatchStateBenchmark.jobState -p batchSize=64 -prof gc
 * }</pre>
 *
 * <p>Each class defaults to one fork, 3 one-second warm-up and 5 one-second measurement iterations,
 * so the whole suite takes about six minutes on two cores. Add {@code -prof gc} to see the
 * allocation per operation and {@code -prof stack} for where the time goes. Scores are average
 * times: nanoseconds per input for the job state and reordering, per message for serialization,
 * whose encoded sizes are printed to stderr when each trial starts.
 */
package cohort.bench.jmh;
