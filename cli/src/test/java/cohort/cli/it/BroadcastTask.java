package cohort.cli.it;

import cohort.task.NodeSetup;
import cohort.task.SetupContext;
import cohort.task.Task;
import cohort.task.TaskContext;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * A test task, on the nodes' class path in system tests, with a per-node setup: the setup hashes
 * the job's broadcast {@code data} once and writes {@code setup-JOB-ID} in the folder {@code
 * marks}; each input checksums its own slice of the broadcast and returns it with the node and the
 * setup's id; the teardown writes {@code teardown-JOB-ID}. With {@code failSetup} the setup throws.
 */
public final class BroadcastTask
    implements Task<Long, BroadcastTask.Params, Map<String, Object>>,
        NodeSetup<BroadcastTask.Params, BroadcastTask.Shared> {

  /** Bytes of the broadcast each input checksums. */
  public static final int SLICE = 64 * 1024;

  /**
   * @param marks the folder setups and teardowns write their marks in
   * @param failSetup true to make the setup throw
   */
  public record Params(String marks, Boolean failSetup) {}

  /**
   * What the setup made, shared by the job's inputs here: its id, the broadcast's SHA-256, and the
   * folder the teardown writes its mark in.
   */
  public record Shared(String id, String sha256, Path marks) {}

  @Override
  public String name() {
    return "broadcast-check";
  }

  @Override
  public String description() {
    return "checksums a slice of the broadcast 'data' per input, with a per-node setup (tests)";
  }

  @Override
  public Class<Long> inputType() {
    return Long.class;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Shared setup(Params params, SetupContext context) throws Exception {
    if (Boolean.TRUE.equals(params.failSetup())) {
      throw new IllegalStateException("the model would not load");
    }
    ByteBuffer data = context.broadcast("data");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(data);
    Shared shared =
        new Shared(
            UUID.randomUUID().toString(),
            HexFormat.of().formatHex(sha.digest()),
            Path.of(params.marks()));
    Files.writeString(
        Path.of(params.marks()).resolve("setup-" + context.jobId() + "-" + shared.id()),
        context.node());
    return shared;
  }

  @Override
  public void teardown(Shared shared) throws Exception {
    Files.writeString(shared.marks().resolve("teardown-" + shared.id()), "");
  }

  @Override
  public Map<String, Object> run(Long index, Params params, TaskContext context) {
    Shared shared = context.shared(Shared.class);
    ByteBuffer data = context.broadcast("data");
    int at = (int) ((index * 97 * 1024) % Math.max(1, data.limit() - SLICE));
    CRC32 crc = new CRC32();
    crc.update(data.slice(at, Math.min(SLICE, data.limit() - at)));
    return Map.of(
        "node", context.node(),
        "setup", shared.id(),
        "sha256", shared.sha256(),
        "crc", crc.getValue(),
        "size", data.limit());
  }

  /** The checksum {@link #run} computes for {@code index}, from the file's bytes. */
  public static long expectedCrc(byte[] file, long index) {
    int at = (int) ((index * 97 * 1024) % Math.max(1, file.length - SLICE));
    CRC32 crc = new CRC32();
    crc.update(file, at, Math.min(SLICE, file.length - at));
    return crc.getValue();
  }
}
