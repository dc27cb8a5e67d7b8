package cohort.node;

import cohort.task.FileRef;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the bytes of file inputs for tasks: in place when this node holds the client's file ({@link
 * LocalFile} checks it), otherwise as blobs from the coordinator's HTTP API, on connections of
 * their own so large files never hold up cluster messages; paths alone from the shared file system
 * the client promised. Thread-safe; one per node.
 */
final class FileInputs {

  private final NodeAccess access;
  private final boolean readInPlace;

  /** File inputs read in place where this node holds the client's files. */
  FileInputs() {
    this(new NodeAccess(), true);
  }

  /** File inputs fetched from the coordinator (every one when {@code readInPlace} is false). */
  FileInputs(boolean readInPlace) {
    this(new NodeAccess(), readInPlace);
  }

  /**
   * @param access where the coordinator serves files, and with which token
   * @param readInPlace whether to read a client's file where this node sees it (after checking it
   *     is the same file); false fetches every file's bytes through the coordinator
   */
  FileInputs(NodeAccess access, boolean readInPlace) {
    this.access = access;
    this.readInPlace = readInPlace;
  }

  /** The coordinator registered this node: where it serves blobs, and with which token. */
  void coordinator(String url, String nodeToken) {
    access.registered(url, nodeToken);
  }

  /** The coordinator's HTTP URL, or null before it registered this node. */
  String coordinatorUrl() {
    return access.url();
  }

  byte[] read(FileRef file) throws IOException {
    ByteBuffer bytes = read(file, null);
    byte[] heap = new byte[bytes.limit()];
    bytes.get(0, heap);
    return heap;
  }

  /**
   * A file input's bytes, into {@code buffer} when they fit (else a new direct buffer).
   *
   * @return the bytes from position 0 to the limit
   */
  ByteBuffer read(FileRef file, ByteBuffer buffer) throws IOException {
    if (file == null) {
      throw new IOException("the input names no file");
    }
    if (file.checked()) {
      if (readInPlace) {
        Optional<ByteBuffer> here = LocalFile.read(file, buffer);
        if (here.isPresent()) {
          return here.get();
        }
      }
      if (file.blob() == null) {
        throw new IOException(
            file.name()
                + " is "
                + mebibytes(file.size())
                + " MiB, more than the "
                + mebibytes(FileRef.MAX_BLOB_BYTES)
                + " MiB a file may travel through the cluster, and this node does not see it at "
                + file.path()
                + " as the client does; run the job where the nodes see the files, or use"
                + " --shared-fs with storage every node mounts");
      }
      return into(fetch(file), buffer);
    }
    if (file.blob() != null) {
      return into(fetch(file), buffer);
    }
    if (file.path() != null) {
      return readPath(file, buffer);
    }
    if (file.size() != null && file.size() > FileRef.MAX_BLOB_BYTES) {
      throw new IOException(
          file.name()
              + " is "
              + mebibytes(file.size())
              + " MiB; files up to "
              + mebibytes(FileRef.MAX_BLOB_BYTES)
              + " MiB travel through the cluster;"
              + " use --shared-fs for larger ones");
    }
    throw new IOException(file.name() + ": the input has neither a blob nor a path to read");
  }

  private static ByteBuffer into(byte[] bytes, ByteBuffer buffer) {
    ByteBuffer into =
        buffer != null && buffer.capacity() >= bytes.length
            ? buffer.clear()
            : LocalFile.direct(bytes.length);
    return into.put(bytes).flip();
  }

  private static ByteBuffer readPath(FileRef file, ByteBuffer buffer) throws IOException {
    Path path = Path.of(file.path());
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE - 16) {
        throw new IOException(
            file.name() + " is " + mebibytes(size) + " MiB, too large to read at once");
      }
      return LocalFile.readAll(channel, size, buffer);
    } catch (NoSuchFileException e) {
      throw new IOException(
          file.name()
              + ": no such file "
              + path
              + " on this node (with --shared-fs every node must see the files)");
    }
  }

  private byte[] fetch(FileRef file) throws IOException {
    if (access.url() == null) {
      throw new IOException(
          file.name() + ": the coordinator has not said where it serves files yet");
    }
    HttpRequest request =
        access.request("/blobs/" + file.blob()).timeout(Duration.ofMinutes(5)).GET().build();
    try {
      HttpResponse<InputStream> response =
          access.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new IOException(
              file.name()
                  + ": the coordinator answered "
                  + response.statusCode()
                  + " for its bytes: "
                  + new String(body.readNBytes(500), java.nio.charset.StandardCharsets.UTF_8));
        }
        return body.readNBytes((int) FileRef.MAX_BLOB_BYTES + 1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException(
          file.name() + ": interrupted while fetching its bytes");
    }
  }

  private static long mebibytes(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
