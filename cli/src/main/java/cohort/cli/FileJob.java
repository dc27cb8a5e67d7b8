package cohort.cli;

import cohort.client.CohortClient;
import cohort.task.FileRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A job over files ({@code --dir}, {@code --files} or {@code --out}): each file becomes a {@link
 * FileRef} input, its bytes sent to the coordinator shortly before the input itself (or, with
 * {@code --shared-fs}, only its path); outputs that carry a file ({@code "file"} and {@code
 * "data"}) are written under {@code --out}.
 */
final class FileJob {

  /** Files uploaded at once, ahead of the input that needs them. */
  static final int UPLOADS_AHEAD = 4;

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

  /**
   * The inputs, made as they are asked for. A file's bytes go to the coordinator a little ahead of
   * its input: {@value #UPLOADS_AHEAD} uploads run at once, so the next inputs are ready when the
   * cluster asks for them, and at most that many files are in flight however many there are.
   * Closing the inputs stops the uploads still running.
   */
  InputUpload.Source inputs(CohortClient client, String jobId) {
    ThreadPoolExecutor uploads =
        new ThreadPoolExecutor(
            UPLOADS_AHEAD,
            UPLOADS_AHEAD,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable -> {
              Thread thread = new Thread(runnable, "cohort-upload");
              thread.setDaemon(true);
              return thread;
            });
    // Idle threads end, so an abandoned upload (a cancelled job) leaves none behind.
    uploads.allowCoreThreadTimeOut(true);
    return new InputUpload.Source() {
      private final ArrayDeque<CompletableFuture<FileRef>> ahead = new ArrayDeque<>();
      private int started;
      private int next;
      private volatile boolean closed;
      private volatile RuntimeException failure;

      @Override
      public boolean hasNext() {
        return next < files.size();
      }

      @Override
      public JsonNode next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        while (started < files.size() && started < next + UPLOADS_AHEAD) {
          int index = started++;
          ahead.add(CompletableFuture.supplyAsync(() -> ref(client, jobId, index), uploads));
        }
        next++;
        try {
          return json.valueToTree(ahead.remove().join());
        } catch (CompletionException e) {
          uploads.shutdownNow();
          RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
          if (!closed) {
            failure = cause;
          }
          throw cause;
        }
      }

      @Override
      public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
      }

      @Override
      public void close() {
        closed = true;
        uploads.shutdownNow();
      }
    };
  }

  /** The input for one file: its path with shared storage, else the blob its bytes became. */
  private FileRef ref(CohortClient client, String jobId, int index) {
    Path file = files.get(index);
    String name = names.get(index);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (sharedFs) {
      return new FileRef(name, null, file.toAbsolutePath().toString(), size);
    } else if (size > FileRef.MAX_BLOB_BYTES) {
      return new FileRef(name, null, null, size);
    } else {
      return new FileRef(name, client.uploadBlob(jobId, file), null, size);
    }
  }

  /**
   * Writes the file a result's output carries under {@code --out}, and returns the line to print:
   * the output names the written path instead of carrying the bytes.
   */
  String handle(String line) {
    if (out == null || sharedFs) {
      return line;
    }
    try {
      JsonNode result = json.readTree(line);
      JsonNode output = result.get("output");
      if (output == null || !output.hasNonNull("file") || !output.hasNonNull("data")) {
        return line;
      }
      Path target = out.resolve(output.get("file").asText()).normalize();
      if (!target.startsWith(out.normalize())) {
        throw new IllegalStateException(
            "an output names a file outside --out: " + output.get("file"));
      }
      Files.createDirectories(target.getParent());
      Files.write(target, output.get("data").binaryValue());
      ObjectNode shown = ((ObjectNode) output).deepCopy();
      shown.remove("data");
      shown.put("path", target.toString());
      ((ObjectNode) result).set("output", shown);
      return json.writeValueAsString(result);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write an output under --out " + out + ": " + e.getMessage(), e);
    }
  }
}
