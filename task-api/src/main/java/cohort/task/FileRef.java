package cohort.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A file a task works on, as an input: its name and where its bytes are. A task reads it with
 * {@link TaskContext#read(FileRef)}, which works whichever way it came:
 *
 * <ul>
 *   <li>{@code blob}: the client sent the file's bytes to the coordinator, and the node fetches
 *       them from there; this works on any machine.
 *   <li>{@code path}: the nodes see the same files as the client (a shared file system), and read
 *       the file where it is.
 * </ul>
 *
 * A plain JSON string is read as a path: {@code "photos/a.jpg"}.
 *
 * @param name the file's name relative to what the user gave, for naming outputs
 * @param blob the coordinator's id for the bytes, or null
 * @param path where the file is on a shared file system, or null
 * @param size the file's size in bytes, or null if unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileRef(String name, String blob, String path, Long size) {

  /** Largest file that may travel through the cluster as a blob: 64 MiB. */
  public static final long MAX_BLOB_BYTES = 64L * 1024 * 1024;

  /** A file on a shared file system, named by its path. */
  @JsonCreator
  public static FileRef ofPath(String path) {
    return new FileRef(path, null, path, null);
  }
}
