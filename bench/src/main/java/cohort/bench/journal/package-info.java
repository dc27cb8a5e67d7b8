/**
 * What a {@code kill -9} leaves in the coordinator's H2 journal, and what the rebuild a coordinator
 * runs after such a stop leaves: {@code bench/run.sh --journal-kills}.
 */
package cohort.bench.journal;
