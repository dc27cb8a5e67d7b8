package cohort.coordinator.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.Result;
import cohort.api.ResultFrames;
import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.job.ResultBlock;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.Values;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultLogTest {

  private static ActorTestKit testKit;
  private static Executor blocking;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local"));
    blocking = testKit.system().dispatchers().lookup(DispatcherSelector.blocking());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private record Written(String job, int count) implements CoordinatorProtocol.Command {}

  private final TestProbe<CoordinatorProtocol.Command> owner = testKit.createTestProbe();

  /** A writer of job "j" into {@code log}, telling the test's probe what it wrote. */
  private ActorRef<ResultWriter.Command> writer(ResultLog log, Path dir) {
    return testKit.spawn(
        ResultWriter.create(
            ResultWriter.Setup.fresh(log, "j", java.time.Duration.ZERO),
            new BlobStore(dir.resolve("blobs")),
            cohort.coordinator.journal.Journal.NONE,
            owner.ref(),
            Written::new));
  }

  /** A block of the results {@code from} to {@code to - 1}, each output twice its input. */
  private static ResultBlock block(int from, int to) {
    List<JsonNode> inputs = new java.util.ArrayList<>();
    List<JsonNode> outputs = new java.util.ArrayList<>();
    for (int i = from; i < to; i++) {
      inputs.add(IntNode.valueOf(i));
      outputs.add(IntNode.valueOf(i * 2));
    }
    return new ResultBlock(from, Values.of(inputs), Values.of(outputs), java.util.Map.of());
  }

  /** Tests that a reader started before the results follows the log until it is closed. */
  @Test
  void readerFollowsTheWriter(@TempDir Path dir) throws Exception {
    ResultLog log = new ResultLog(dir.resolve("job.ndjson"));
    ActorRef<ResultWriter.Command> writer = writer(log, dir);
    CompletionStage<ByteString> read =
        log.jsonLines(blocking)
            .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), testKit.system());
    CompletionStage<ByteString> frames =
        log.source(blocking)
            .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), testKit.system());

    writer.tell(new ResultWriter.Append(List.of(block(0, 2))));
    writer.tell(new ResultWriter.Append(List.of(block(2, 3))));
    assertThat(read.toCompletableFuture().isDone()).isFalse();
    writer.tell(new ResultWriter.Close("SUCCEEDED", null, java.time.Instant.EPOCH));

    String text = read.toCompletableFuture().get(10, TimeUnit.SECONDS).utf8String();
    assertThat(text.split("\n"))
        .containsExactly(
            "{\"index\":0,\"input\":0,\"output\":0}",
            "{\"index\":1,\"input\":1,\"output\":2}",
            "{\"index\":2,\"input\":2,\"output\":4}");
    // The frames a reader gets are the file's bytes, and read back as the same results.
    byte[] file = Files.readAllBytes(log.file());
    assertThat(frames.toCompletableFuture().get(10, TimeUnit.SECONDS).toArray()).isEqualTo(file);
    Iterator<Result> results = ResultFrames.read(new ByteArrayInputStream(file));
    assertThat(results.next()).isEqualTo(Result.ok(0, IntNode.valueOf(0), IntNode.valueOf(0)));
    assertThat(owner.receiveMessage()).isEqualTo(new Written("j", 2));
    assertThat(owner.receiveMessage()).isEqualTo(new Written("j", 1));
  }

  /**
   * Tests that a reader of the results so far ends at what the log holds when it starts, while the
   * job still runs: the dashboard's sample of a running job.
   */
  @Test
  void readerOfWhatIsThereEndsWhileTheJobRuns(@TempDir Path dir) throws Exception {
    ResultLog log = new ResultLog(dir.resolve("job.ndjson"));
    ActorRef<ResultWriter.Command> writer = writer(log, dir);
    writer.tell(new ResultWriter.Append(List.of(block(0, 2))));
    assertThat(owner.receiveMessage()).isEqualTo(new Written("j", 2));
    // Written says the writer took them; readers see them once its next flush commits them.
    log.awaitBeyond(0).get(10, TimeUnit.SECONDS);

    String soFar =
        log.jsonLinesSoFar(blocking)
            .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
            .utf8String();
    assertThat(log.closed()).isFalse();
    assertThat(soFar.split("\n"))
        .containsExactly(
            "{\"index\":0,\"input\":0,\"output\":0}", "{\"index\":1,\"input\":1,\"output\":2}");
    writer.tell(new ResultWriter.Close("SUCCEEDED", null, java.time.Instant.EPOCH));
  }

  /**
   * Tests that a reader started after the end reads everything and stops, in a few pieces though
   * each result is a frame of its own.
   */
  @Test
  void lateReaderReadsAll(@TempDir Path dir) throws Exception {
    ResultLog log = new ResultLog(dir.resolve("job.ndjson"));
    ActorRef<ResultWriter.Command> writer = writer(log, dir);
    for (int i = 0; i < 5000; i++) {
      writer.tell(new ResultWriter.Append(List.of(block(i, i + 1))));
    }
    writer.tell(new ResultWriter.Close("SUCCEEDED", null, java.time.Instant.EPOCH));
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertThat(log.closed()).isTrue();
              return null;
            });
    List<ByteString> chunks =
        log.jsonLines(blocking)
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    String[] lines =
        chunks.stream()
            .reduce(ByteString.emptyByteString(), ByteString::concat)
            .utf8String()
            .split("\n");
    assertThat(lines).hasSize(5000);
    // Rendered a chunk of the file at a time: a few pieces, not one per result.
    assertThat(chunks.size()).isLessThan(20);
    assertThat(lines[4999]).isEqualTo("{\"index\":4999,\"input\":4999,\"output\":9998}");
  }

  /**
   * Tests that a reader may start before the writer has created the file (a client that asks for a
   * job's results the moment it is accepted): it waits for the first results instead of failing.
   */
  @Test
  void readerStartedBeforeTheFileExistsWaitsForIt(@TempDir Path dir) throws Exception {
    ResultLog log = new ResultLog(dir.resolve("job.ndjson"));
    // The reader opens on the blocking executor: its first task done means the reader is open.
    CountDownLatch opened = new CountDownLatch(1);
    Executor watched =
        task ->
            blocking.execute(
                () -> {
                  task.run();
                  opened.countDown();
                });
    CompletionStage<ByteString> read =
        log.jsonLines(watched)
            .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), testKit.system());
    assertThat(opened.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.exists(log.file())).isFalse();
    assertThat(read.toCompletableFuture().isDone()).isFalse();

    ActorRef<ResultWriter.Command> writer = writer(log, dir);
    writer.tell(new ResultWriter.Append(List.of(block(0, 1))));
    writer.tell(new ResultWriter.Close("SUCCEEDED", null, java.time.Instant.EPOCH));

    assertThat(read.toCompletableFuture().get(10, TimeUnit.SECONDS).utf8String())
        .isEqualTo("{\"index\":0,\"input\":0,\"output\":0}\n");
  }

  /** Tests that a job that ends with no results at all reads as empty, with no file needed. */
  @Test
  void emptyLogReadsAsEmpty(@TempDir Path dir) throws Exception {
    ResultLog log = new ResultLog(dir.resolve("never-written.ndjson"));
    log.close(null);
    ByteString all =
        log.jsonLines(blocking)
            .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(all.isEmpty()).isTrue();
  }

  /**
   * Tests that a blocking reader in this JVM follows the writer: it waits for results that are not
   * there yet, reads the frames and the lines as the streams do, and ends when the log does.
   */
  @Test
  void blockingReaderFollowsTheWriter(@TempDir Path dir) throws Exception {
    ResultLog log = new ResultLog(dir.resolve("job.ndjson"));
    CompletableFuture<Void> running = new CompletableFuture<>();
    CompletableFuture<byte[]> lines =
        CompletableFuture.supplyAsync(() -> readAll(log.follow(true, running)));
    CompletableFuture<byte[]> frames =
        CompletableFuture.supplyAsync(() -> readAll(log.follow(false, running)));
    ActorRef<ResultWriter.Command> writer = writer(log, dir);
    writer.tell(new ResultWriter.Append(List.of(block(0, 2))));
    assertThat(owner.receiveMessage()).isEqualTo(new Written("j", 2));
    assertThat(lines.isDone()).isFalse();
    writer.tell(new ResultWriter.Append(List.of(block(2, 3))));
    writer.tell(new ResultWriter.Close("SUCCEEDED", null, java.time.Instant.EPOCH));

    assertThat(new String(lines.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8).split("\n"))
        .containsExactly(
            "{\"index\":0,\"input\":0,\"output\":0}",
            "{\"index\":1,\"input\":1,\"output\":2}",
            "{\"index\":2,\"input\":2,\"output\":4}");
    assertThat(frames.get(10, TimeUnit.SECONDS)).isEqualTo(Files.readAllBytes(log.file()));
  }

  /**
   * Tests that a blocking reader waiting for results fails, saying why, once the coordinator stops:
   * the job will never end.
   */
  @Test
  void blockingReaderFailsWhenTheCoordinatorStops(@TempDir Path dir) throws Exception {
    ResultLog log = new ResultLog(dir.resolve("job.ndjson"));
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    CompletableFuture<byte[]> lines =
        CompletableFuture.supplyAsync(() -> readAll(log.follow(true, stopped)));
    stopped.complete(null);
    assertThatThrownBy(() -> lines.get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(IOException.class)
        .hasRootCauseMessage("the coordinator stopped before the job ended");
  }

  /**
   * Tests that a blocking reader that has read the results so far and waits for more fails once the
   * coordinator stops, keeping what it read.
   */
  @Test
  void waitingReaderFailsWhenTheCoordinatorStops(@TempDir Path dir) throws Exception {
    ResultLog log = new ResultLog(dir.resolve("job.ndjson"));
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    java.io.BufferedReader lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(log.follow(true, stopped), StandardCharsets.UTF_8));
    ActorRef<ResultWriter.Command> writer = writer(log, dir);
    writer.tell(new ResultWriter.Append(List.of(block(0, 1))));
    assertThat(lines.readLine()).isEqualTo("{\"index\":0,\"input\":0,\"output\":0}");
    CompletableFuture<String> next =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return lines.readLine();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    stopped.complete(null);
    assertThatThrownBy(() -> next.get(10, TimeUnit.SECONDS))
        .hasRootCauseMessage("the coordinator stopped before the job ended");
  }

  private static byte[] readAll(InputStream stream) {
    try (stream) {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
