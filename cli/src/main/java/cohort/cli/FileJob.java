package cohort.cli;

import cohort.api.Result;
import cohort.task.FileRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A job over files ({@code --dir}, {@code --files} or {@code --out}): each file becomes a {@link
 * FileRef} input naming its path and its fingerprint (size, modification time, a checksum of its
 * first 64 KiB). A node that sees the same file there reads it in place; any other node asks for
 * its bytes, which {@link FileSender} sends through the coordinator. With {@code --shared-fs} the
 * input is the path alone, read unchecked. Outputs that carry a file ({@code "file"} and {@code
 * "data"}) are written under {@code --out}.
 */
final class FileJob {

  private final List<Path> files;
  private final List<String> names;
  private final boolean sharedFs;
  private final Path out;
  private final ObjectMapper json;

  private FileJob(
      List<Path> files, List<String> names, boolean sharedFs, Path out, ObjectMapper json) {
    this.files = files;
    this.names = names;
    this.sharedFs = sharedFs;
    this.out = out;
    this.json = json;
  }

  /**
   * The files under {@code dir} (every regular file, recursively, in name order), or the given
   * paths.
   *
   * @throws IllegalArgumentException naming a folder or file that does not exist
   */
  static FileJob of(Path dir, List<String> paths, boolean sharedFs, Path out, ObjectMapper json) {
    List<Path> files = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (dir != null) {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("--dir " + dir + ": no such folder");
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
          if (!file.getFileName().toString().startsWith(".")) {
            files.add(file);
            names.add(dir.relativize(file).toString().replace('\\', '/'));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list --dir " + dir + ": " + e.getMessage(), e);
      }
    }
    for (String given : paths) {
      Path file = Path.of(given);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(given + ": no such file");
      }
      files.add(file);
      Path normal = file.normalize();
      names.add(
          normal.isAbsolute() || normal.startsWith("..")
              ? file.getFileName().toString()
              : normal.toString().replace('\\', '/'));
    }
    if (out != null) {
      try {
        Files.createDirectories(out);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create --out " + out + ": " + e.getMessage(), e);
      }
    }
    return new FileJob(files, names, sharedFs, out, json);
  }

  int size() {
    return files.size();
  }

  /** The {@code out} folder nodes write to themselves, with shared storage. */
  String sharedOut() {
    return sharedFs && out != null ? out.toAbsolutePath().toString() : null;
  }

  /** Whether nodes were promised they see the files ({@code --shared-fs}). */
  boolean sharedFs() {
    return sharedFs;
  }

  /** The file of a blob this client keeps, {@code JOB/cN}: the N-th file. */
  Path fileOf(String blobId) {
    int at = blobId.lastIndexOf("/c");
    int index = at < 0 ? -1 : Integer.parseInt(blobId.substring(at + 2));
    if (index < 0 || index >= files.size()) {
      throw new IllegalArgumentException("no file of this job is named " + blobId);
    }
    return files.get(index);
  }

  /**
   * Every file's input named by its path alone, for a cluster inside this JVM: its node reads the
   * very files this command listed, so there is nothing to check and no bytes to send.
   */
  List<JsonNode> pathInputs() {
    List<JsonNode> refs = new ArrayList<>(files.size());
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      long size;
      try {
        size = Files.size(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
      refs.add(json.valueToTree(pathOnly(i, size)));
    }
    return refs;
  }

  /** The input of the {@code index}-th file named by its path alone, read unchecked. */
  private FileRef pathOnly(int index, long size) {
    return new FileRef(names.get(index), null, files.get(index).toAbsolutePath().toString(), size);
  }

  /**
   * The inputs, made as they are asked for: each names its file's path and fingerprint, read from
   * the file's first 64 KiB when the cluster takes the input.
   */
  InputUpload.Source inputs(String jobId) {
    return new InputUpload.Source() {
      private final ByteBuffer head = ByteBuffer.allocate(FileRef.HEAD_BYTES);
      private int next;

      @Override
      public boolean hasNext() {
        return next < files.size();
      }

      @Override
      public JsonNode next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int index = next++;
        return json.valueToTree(ref(jobId, index, head));
      }

      @Override
      public Optional<RuntimeException> failure() {
        return Optional.empty();
      }

      @Override
      public void close() {
        // nothing held between inputs
      }
    };
  }

  /**
   * The input for one file: its path alone with shared storage; else its path, fingerprint and the
   * blob id under which this client sends its bytes when a node asks (none for files too large to
   * travel).
   */
  private FileRef ref(String jobId, int index, ByteBuffer head) {
    Path file = files.get(index);
    String name = names.get(index);
    String path = file.toAbsolutePath().toString();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      long size = attributes.size();
      if (sharedFs) {
        return pathOnly(index, size);
      }
      head.clear();
      while (head.hasRemaining() && channel.read(head) >= 0) {
        // the first 64 KiB, or the whole of a smaller file
      }
      head.flip();
      String blob = size > FileRef.MAX_BLOB_BYTES ? null : jobId + "/c" + index;
      return new FileRef(
          name, blob, path, size, attributes.lastModifiedTime().toMillis(), FileRef.headOf(head));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the file a result line's output carries under {@code --out}; returns the line to print,
   * whose output names the written path instead of carrying the bytes.
   */
  String handle(String line) {
    if (out == null || sharedFs) {
      return line;
    }
    try {
      JsonNode result = json.readTree(line);
      JsonNode output = result.get("output");
      if (!carriesFile(output)) {
        return line;
      }
      ((ObjectNode) result).set("output", written(output));
      return json.writeValueAsString(result);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write an output under --out " + out + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the file a result's output carries under {@code --out}, as {@link #handle(String)} does
   * for a result line; returns the result with its output naming the written path.
   */
  Result handle(Result result) {
    if (out == null || sharedFs || !result.succeeded() || !carriesFile(result.output())) {
      return result;
    }
    return Result.ok(result.index(), result.input(), written(result.output()));
  }

  private static boolean carriesFile(JsonNode output) {
    return output != null && output.hasNonNull("file") && output.hasNonNull("data");
  }

  /** Writes the output's file; returns the output with its path instead of its bytes. */
  private ObjectNode written(JsonNode output) {
    Path target = out.resolve(output.get("file").asText()).normalize();
    if (!target.startsWith(out.normalize())) {
      throw new IllegalStateException(
          "an output names a file outside --out: " + output.get("file"));
    }
    try {
      if (!Files.isDirectory(target.getParent())) {
        Files.createDirectories(target.getParent());
      }
      Files.write(target, output.get("data").binaryValue());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write an output under --out " + out + ": " + e.getMessage(), e);
    }
    ObjectNode shown = ((ObjectNode) output).deepCopy();
    shown.remove("data");
    shown.put("path", target.toString());
    return shown;
  }
}
