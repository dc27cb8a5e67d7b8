/** File inputs clients send through the coordinator: {@link cohort.coordinator.blobs.BlobStore}. */
package cohort.coordinator.blobs;
