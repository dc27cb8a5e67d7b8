package cohort.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A file a task works on, as an input: its name and where its bytes are. A task reads it with
 * {@link TaskContext#read(FileRef)}, which works whichever way it came:
 *
 * <ul>
 *   <li>{@code path} with a fingerprint ({@code size}, {@code modified}, {@code head}): the file as
 *       the client saw it. A node that sees a file at that path with the same fingerprint reads it
 *       in place; any other node, or any node once the file changed, fetches the bytes as {@code
 *       blob}.
 *   <li>{@code blob}: the coordinator's id for the bytes, which the node fetches from there. The
 *       client sends them when it submits the input, or only when a node asks for them.
 *   <li>{@code path} alone: the nodes were promised they see the same files as the client (a shared
 *       file system, {@code --shared-fs}), and read the file where it is, unchecked.
 * </ul>
 *
 * A plain JSON string is read as a path: {@code "photos/a.jpg"}.
 *
 * @param name the file's name relative to what the user gave, for naming outputs
 * @param blob the coordinator's id for the bytes, or null
 * @param path where the file is on the client's machine (or a shared file system), or null
 * @param size the file's size in bytes, or null if unknown
 * @param modified the file's modification time in milliseconds since the epoch, or null
 * @param head the {@linkplain #headOf fingerprint of the file's first bytes}, or null: with it, a
 *     node reads {@code path} only when it holds the same file
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileRef(
    String name, String blob, String path, Long size, Long modified, String head) {

  /** Largest file that may travel through the cluster as a blob: 64 MiB. */
  public static final long MAX_BLOB_BYTES = 64L * 1024 * 1024;

  /** How many of a file's first bytes {@link #headOf} covers: 64 KiB. */
  public static final int HEAD_BYTES = 64 * 1024;

  /** A file without a fingerprint: a blob, or a path on shared storage. */
  public FileRef(String name, String blob, String path, Long size) {
    this(name, blob, path, size, null, null);
  }

  /** A file on a shared file system, named by its path. */
  @JsonCreator
  public static FileRef ofPath(String path) {
    return new FileRef(path, null, path, null);
  }

  /** Whether a node may read {@link #path} only after checking it holds the client's file. */
  @JsonIgnore
  public boolean checked() {
    return path != null && head != null && size != null && modified != null;
  }

  /**
   * The fingerprint of a file's first bytes: the CRC-32C of its first {@link #HEAD_BYTES} bytes
   * (all of a smaller file), in hex. With the size and the modification time it tells whether a
   * node sees the same file as the client; it costs some microseconds, not a read of the file.
   *
   * @param bytes the file's first bytes, from position 0 (at least {@link #HEAD_BYTES} of them, or
   *     the whole file); the buffer's position is left as it was
   */
  public static String headOf(ByteBuffer bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes.duplicate().position(0).limit(Math.min(bytes.limit(), HEAD_BYTES)));
    return Long.toHexString(crc.getValue());
  }
}
