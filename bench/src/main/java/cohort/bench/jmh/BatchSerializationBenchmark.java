package cohort.bench.jmh;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.BatchFinished;
import cohort.protocol.CoordinatorProtocol.BatchProgress;
import cohort.protocol.TaskSpec;
import cohort.protocol.Values;
import cohort.protocol.WorkerProtocol;
import cohort.protocol.WorkerProtocol.RunBatch;
import cohort.protocol.WorkerProtocol.RunBatches;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding and decoding the messages that carry work and results between the coordinator and its
 * nodes, with the serializer Cohort's configuration binds them to: Pekko's Jackson CBOR serializer,
 * found through {@link SerializationExtension} of a real actor system started as a node is in the
 * tests ({@code node.conf}, cluster provider, loopback, port 0). The actor refs in the messages are
 * real local actors of that system, so they encode as full remote addresses.
 *
 * <p>Messages ({@code message}), their integer inputs {@code 0, 1, 2, ...} and outputs ten times
 * those:
 *
 * <ul>
 *   <li>{@code RUN_BATCH_1}, {@code _64}, {@code _1024}: one {@link RunBatch} of that many inputs;
 *   <li>{@code RUN_BATCHES_64X1}: the coalesced, columnar {@link RunBatches} of 64 one-input
 *       batches, what the coordinator sends a node in one round for tiny batches;
 *   <li>{@code BATCH_FINISHED_1}, {@code _64}, {@code _1024}: one {@link BatchFinished} with that
 *       many outputs;
 *   <li>{@code BATCHES_FINISHED_64X1}: the columnar {@link BatchProgress} of 64 one-output batches.
 * </ul>
 *
 * <p><b>Scores are nanoseconds per message</b> ({@link #serialize} to bytes through {@link
 * Serialization#serialize}, {@link #deserialize} back through {@link Serialization#deserialize}, as
 * Artery does on either side). Divide by 64 for the cost per batch of the coalesced forms. The
 * encoded size in bytes per message (and per input) is printed to stderr once per trial, where JMH
 * shows it before the first warm-up iteration; the manifest, the class name, travels beside the
 * bytes and Artery compresses it.
 *
 * <p>Why it matters: every batch crosses the wire twice, and with tiny tasks the coordinator
 * encodes every {@code RunBatch} and decodes every {@code BatchFinished} on its single actor, so
 * these costs per batch add to {@link DispatchStateBenchmark}'s per input. Decoding on the remote
 * side also resolves the actor ref to a remote one; here it resolves to a local actor.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BatchSerializationBenchmark {

  static final String JOB_ID = "k7q-1";

  static final TaskSpec TASK = new TaskSpec("echo", Map.of());

  /** The messages measured. */
  public enum Message {
    RUN_BATCH_1,
    RUN_BATCH_64,
    RUN_BATCH_1024,
    RUN_BATCHES_64X1,
    BATCH_FINISHED_1,
    BATCH_FINISHED_64,
    BATCH_FINISHED_1024,
    BATCHES_FINISHED_64X1
  }

  @Param({
    "RUN_BATCH_1",
    "RUN_BATCH_64",
    "RUN_BATCH_1024",
    "RUN_BATCHES_64X1",
    "BATCH_FINISHED_1",
    "BATCH_FINISHED_64",
    "BATCH_FINISHED_1024",
    "BATCHES_FINISHED_64X1"
  })
  public Message message;

  private ActorSystem<Void> system;
  private Serialization serialization;
  private Object value;
  private byte[] bytes;
  private int serializerId;
  private String manifest;
  private int inputs;

  @Setup(Level.Trial)
  public void setUp() {
    system = BenchSystems.node();
    serialization = SerializationExtension.get(Adapter.toClassic(system));
    ActorRef<CoordinatorProtocol.Command> coordinator = BenchSystems.idle(system, "coordinator");
    ActorRef<WorkerProtocol.Command> worker = BenchSystems.idle(system, "worker");
    value = build(message, coordinator, worker);

    Serializer serializer = serialization.findSerializerFor(value);
    if (!serializer.getClass().getName().contains("JacksonCborSerializer")) {
      throw new IllegalStateException(
          value.getClass().getName()
              + " is bound to "
              + serializer.getClass().getName()
              + ", not Jackson CBOR");
    }
    serializerId = serializer.identifier();
    manifest = Serializers.manifestFor(serializer, value);
    bytes = serialization.serialize(value).get();
    Object back = decode();
    if (!canonical(back).equals(canonical(value))) {
      throw new IllegalStateException(
          message + " does not survive the round trip:\n" + value + "\n" + back);
    }
    System.err.printf(
        "%s: %d bytes per message, %.1f bytes per input, manifest %s (%d chars)%n",
        message, bytes.length, (double) bytes.length / inputs, manifest, manifest.length());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    BenchSystems.stop(system);
  }

  private Object build(
      Message kind,
      ActorRef<CoordinatorProtocol.Command> coordinator,
      ActorRef<WorkerProtocol.Command> worker) {
    switch (kind) {
      case RUN_BATCH_1:
        return runBatch(0, 1, coordinator);
      case RUN_BATCH_64:
        return runBatch(0, 64, coordinator);
      case RUN_BATCH_1024:
        return runBatch(0, 1024, coordinator);
      case RUN_BATCHES_64X1:
        {
          List<RunBatch> batches = new ArrayList<>();
          for (int b = 0; b < 64; b++) {
            batches.add(runBatch(b, 1, coordinator));
          }
          return RunBatches.of(batches);
        }
      case BATCH_FINISHED_1:
        return batchFinished(0, 1, worker);
      case BATCH_FINISHED_64:
        return batchFinished(0, 64, worker);
      case BATCH_FINISHED_1024:
        return batchFinished(0, 1024, worker);
      case BATCHES_FINISHED_64X1:
        {
          List<BatchFinished> parts = new ArrayList<>();
          for (int b = 0; b < 64; b++) {
            parts.add(batchFinished(b, 1, worker));
          }
          return BatchProgress.of(worker, parts, List.of());
        }
      default:
        throw new IllegalArgumentException("unknown message " + kind);
    }
  }

  /** Batch {@code id} of a job cut into batches of {@code size}: inputs from {@code id * size}. */
  private RunBatch runBatch(long id, int size, ActorRef<CoordinatorProtocol.Command> coordinator) {
    inputs += size;
    long first = id * size;
    return new RunBatch(
        JOB_ID, id, TASK, first, Values.of(values(first, size, 1)), 1, 0, coordinator, false);
  }

  private BatchFinished batchFinished(long id, int size, ActorRef<WorkerProtocol.Command> worker) {
    inputs += size;
    return new BatchFinished(
        JOB_ID,
        id,
        0,
        Values.of(values(id * size, size, 10)),
        List.of(),
        true,
        1_000L * size,
        worker);
  }

  private static List<JsonNode> values(long first, int size, long factor) {
    List<JsonNode> values = new ArrayList<>(size);
    for (long i = first; i < first + size; i++) {
      values.add(LongNode.valueOf(i * factor));
    }
    return values;
  }

  /**
   * A text form that is equal when the messages are: the columnar records hold arrays, which
   * records compare by identity, and numbers come back as the smallest node type that holds them.
   */
  private static String canonical(Object message) {
    if (message instanceof RunBatches batches) {
      return batches.batches().toString();
    }
    if (message instanceof BatchProgress finished) {
      return finished.parts().toString();
    }
    return message.toString();
  }

  /** Encodes the message. */
  @Benchmark
  public byte[] serialize() {
    return serialization.serialize(value).get();
  }

  /** Decodes the encoded message. */
  @Benchmark
  public Object deserialize() {
    return decode();
  }

  private Object decode() {
    return serialization.deserialize(bytes, serializerId, manifest).get();
  }
}
