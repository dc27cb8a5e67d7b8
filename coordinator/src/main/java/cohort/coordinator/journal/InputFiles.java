package cohort.coordinator.journal;

import cohort.coordinator.job.InputSource;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's inputs given one by one, kept beside the journal in {@code inputs/ID.cbor} of the data
 * folder (a list may be 64 MiB: too much to replay as an event): a CBOR array, written whole and
 * synced before the job's acceptance is journaled, so a restart finds every input of every job it
 * knows. Every digit of a number is kept.
 */
public final class InputFiles {

  private static final ObjectMapper CBOR =
      CBORMapper.builder().disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();

  private final Path folder;

  /** The input files of the data folder {@code dataDir}. */
  public InputFiles(Path dataDir) {
    this.folder = dataDir.resolve("inputs");
  }

  /** Where job {@code jobId}'s inputs are kept. */
  public Path file(String jobId) {
    return folder.resolve(jobId + ".cbor");
  }

  /**
   * Writes {@code inputs} as job {@code jobId}'s, synced to the disk: a crash leaves the whole file
   * or none.
   */
  public void write(String jobId, InputSource inputs) {
    Path target = file(jobId);
    Path partial = folder.resolve(jobId + ".cbor.partial");
    try {
      Files.createDirectories(folder);
      try (FileChannel channel =
          FileChannel.open(
              partial,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        try (JsonGenerator generator = CBOR.createGenerator(out)) {
          generator.writeStartArray();
          for (long i = 0; i < inputs.size(); i++) {
            CBOR.writeTree(generator, inputs.get(i));
          }
          generator.writeEndArray();
          generator.flush();
          out.flush();
          channel.force(true);
        }
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      syncFolder(folder);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot keep the inputs of job " + jobId + " in " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * The inputs kept for job {@code jobId}.
   *
   * @throws IllegalStateException naming the file, when it is missing or damaged
   */
  public InputSource read(String jobId) {
    Path file = file(jobId);
    List<JsonNode> inputs = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        JsonParser parser = CBOR.createParser(in)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException("it does not start with an array");
      }
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        if (parser.currentToken() == null) {
          throw new IOException("it ends before its last input");
        }
        inputs.add(CBOR.readTree(parser));
      }
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          "the inputs of job " + jobId + " are missing: " + file + " is gone", e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "the inputs of job " + jobId + " in " + file + " are damaged: " + e.getMessage(), e);
    }
    return InputSource.of(inputs);
  }

  /** Deletes job {@code jobId}'s inputs, if it has any kept. */
  public void delete(String jobId) {
    try {
      Files.deleteIfExists(file(jobId));
    } catch (IOException e) {
      // A file left behind costs disk only; the journal no longer names it.
    }
  }

  /** Makes a rename or a new file in {@code dir} survive a crash. */
  static void syncFolder(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
