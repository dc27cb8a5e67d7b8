package cohort.api;

import java.util.List;

/**
 * The answer to {@code GET /jobs/{id}/blobs}: the files the client kept (blob ids {@code JOB/cN})
 * that nodes asked for because they do not see the client's copy.
 *
 * @param blobs the ids nodes asked for since the last answer; the client sends each with {@code PUT
 *     /blobs/{id}}
 * @param ended true once the job has ended: no node will ask again
 */
public record BlobsWanted(List<String> blobs, boolean ended) {

  public BlobsWanted {
    blobs = blobs == null ? List.of() : List.copyOf(blobs);
  }
}
