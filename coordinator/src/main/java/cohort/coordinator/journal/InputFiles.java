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
  private final FileReplica replica;

  /** The input files of the data folder {@code dataDir}. */
  public InputFiles(Path dataDir) {
    this(dataDir, FileReplica.NONE);
  }

  /** The input files of the data folder {@code dataDir}, copied to {@code replica} once synced. */
  public InputFiles(Path dataDir, FileReplica replica) {
    this.folder = dataDir.resolve("inputs");
    this.replica = replica;
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
      replica.copy(target);
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

  /** Where a streamed job's inputs are kept as they arrive. */
  public Path streamFile(String jobId) {
    return folder.resolve(jobId + ".stream");
  }

  /**
   * Appends a streamed job's inputs to its stream file, each a 4-byte length and its CBOR value,
   * synced to the disk: the inputs of every upload the job admitted survive a crash.
   */
  public void append(String jobId, List<JsonNode> inputs) {
    Path file = streamFile(jobId);
    try {
      Files.createDirectories(folder);
      boolean created = !Files.exists(file);
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(64 * 1024);
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        for (JsonNode input : inputs) {
          byte[] value = CBOR.writeValueAsBytes(input);
          out.writeInt(value.length);
          out.write(value);
        }
        long offset = channel.size();
        byte[] written = bytes.toByteArray();
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(written);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(false);
        replica.write(file, offset, written);
      }
      if (created) {
        syncFolder(folder);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot keep the inputs of job " + jobId + " in " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A streamed job's inputs {@code from} (inclusive) to {@code to} (exclusive), from its stream
   * file; bytes after the {@code to}-th input (an upload journaled never) are left alone.
   *
   * @throws IllegalStateException naming the file, when it holds fewer inputs or is damaged
   */
  public List<JsonNode> readStream(String jobId, long from, long to) {
    Path file = streamFile(jobId);
    List<JsonNode> inputs = new ArrayList<>();
    if (to <= from) {
      return inputs;
    }
    try (java.io.DataInputStream in =
        new java.io.DataInputStream(
            new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      for (long i = 0; i < to; i++) {
        int length = in.readInt();
        if (length < 0 || length > 64 * 1024 * 1024) {
          throw new IOException("an input of " + length + " bytes at input " + i);
        }
        if (i < from) {
          in.skipNBytes(length);
        } else {
          inputs.add(CBOR.readTree(in.readNBytes(length)));
        }
      }
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          "the inputs of job " + jobId + " are missing: " + file + " is gone", e);
    } catch (java.io.EOFException e) {
      throw endsEarly(jobId, file, to, e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "the inputs of job " + jobId + " in " + file + " are damaged: " + e.getMessage(), e);
    }
    return inputs;
  }

  /**
   * Cuts a streamed job's stream file after its first {@code count} inputs, those the journal
   * counts: an upload kept but never journaled (the coordinator died between the two) goes, and the
   * job's next inputs follow the ones it has.
   */
  public void cutStream(String jobId, long count) {
    Path file = streamFile(jobId);
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer length = java.nio.ByteBuffer.allocate(4);
      long position = 0;
      for (long i = 0; i < count; i++) {
        length.clear();
        if (channel.read(length, position) < 4) {
          throw endsEarly(jobId, file, count, null);
        }
        position += 4L + length.getInt(0);
      }
      if (channel.size() > position) {
        channel.truncate(position);
        channel.force(false);
        replica.cut(file, position);
      }
    } catch (NoSuchFileException e) {
      if (count > 0) {
        throw new IllegalStateException(
            "the inputs of job " + jobId + " are missing: " + file + " is gone", e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot cut " + file + " to its journaled inputs: " + e.getMessage(), e);
    }
  }

  private static IllegalStateException endsEarly(
      String jobId, Path file, long count, Exception cause) {
    return new IllegalStateException(
        "the inputs of job "
            + jobId
            + " in "
            + file
            + " are damaged: it ends before input "
            + count
            + " the journal counts",
        cause);
  }

  /** Deletes job {@code jobId}'s inputs, if it has any kept. */
  public void delete(String jobId) {
    try {
      Files.deleteIfExists(file(jobId));
      Files.deleteIfExists(streamFile(jobId));
      replica.delete(file(jobId));
      replica.delete(streamFile(jobId));
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
