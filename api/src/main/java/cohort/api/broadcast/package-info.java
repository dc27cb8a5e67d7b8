/**
 * Broadcasts: data a job sends to each node once ({@code PUT /broadcasts/{sha256}}, then the job's
 * {@code broadcast} field), which tasks read through their context.
 */
package cohort.api.broadcast;
