package cohort.coordinator.results;

import cohort.coordinator.blobs.BlobStore;
import cohort.messages.CoordinatorProtocol;
import cohort.messages.api.Result;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Appends one job's results to its {@link ResultLog}. Runs on Pekko's blocking-I/O dispatcher,
 * since it writes a file.
 *
 * <p>Results are flushed, and so made readable, once the writer has drained the appends already in
 * its mailbox: a burst of results costs one flush, a single result is readable at once.
 *
 * <p>It also frees the job's file inputs: a blob an input references (its {@code "blob"} field)
 * is deleted once that input's result is written, and what is left when the job ends goes with
 * it.
 */
public final class ResultWriter extends AbstractBehavior<ResultWriter.Command> {

  /** Messages of the writer. */
  public sealed interface Command {}

  /** Append these results, in this order; the writer says when they are written. */
  public record Append(List<Result> results) implements Command {}

  /**
   * Told to the job's owner after each append, so it can hold back new work while the writer is
   * behind: results waiting for the disk are held in memory.
   */
  public interface Owner {
    /** The message for {@code count} results written. */
    CoordinatorProtocol.Command written(String jobId, int count);
  }

  /** No more results: flush, mark the log complete, stop. */
  public enum Close implements Command {
    INSTANCE
  }

  private enum Flush implements Command {
    INSTANCE
  }

  private final ResultLog log;
  private final String jobId;
  private final BlobStore blobs;
  private final ActorRef<CoordinatorProtocol.Command> owner;
  private final Owner acks;
  private final CountingStream counter;
  private final JsonGenerator json;
  private boolean flushPending;
  private String failure;

  /**
   * @param owner told after each append how many results were written
   * @param acks makes those messages
   */
  public static Behavior<Command> create(
      ResultLog log,
      ObjectMapper mapper,
      String jobId,
      BlobStore blobs,
      ActorRef<CoordinatorProtocol.Command> owner,
      Owner acks) {
    return Behaviors.setup(context -> new ResultWriter(context, log, mapper, jobId, blobs, owner, acks));
  }

  private ResultWriter(
      ActorContext<Command> context,
      ResultLog log,
      ObjectMapper mapper,
      String jobId,
      BlobStore blobs,
      ActorRef<CoordinatorProtocol.Command> owner,
      Owner acks)
      throws IOException {
    super(context);
    this.log = log;
    this.jobId = jobId;
    this.blobs = blobs;
    this.owner = owner;
    this.acks = acks;
    Files.createDirectories(log.file().getParent());
    this.counter = new CountingStream(new BufferedOutputStream(Files.newOutputStream(log.file()), 1 << 16));
    this.json = mapper.createGenerator(counter);
    this.json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    // Lines end with the newline written after each result; Jackson's default separator is a space.
    this.json.setRootValueSeparator(null);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Append.class, this::onAppend)
        .onMessageEquals(Flush.INSTANCE, this::onFlush)
        .onMessageEquals(Close.INSTANCE, this::onClose)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onAppend(Append append) {
    owner.tell(acks.written(jobId, append.results().size()));
    if (failure != null) {
      return this;
    }
    try {
      for (Result result : append.results()) {
        json.writeObject(result);
        json.writeRaw('\n');
      }
    } catch (IOException e) {
      fail(e);
      return this;
    }
    if (!flushPending) {
      flushPending = true;
      getContext().getSelf().tell(Flush.INSTANCE);
    }
    for (Result result : append.results()) {
      JsonNode blob = result.input() == null ? null : result.input().get("blob");
      if (blob != null && blob.isTextual()) {
        blobs.delete(blob.textValue());
      }
    }
    return this;
  }

  private Behavior<Command> onFlush() {
    flushPending = false;
    flush();
    return this;
  }

  private Behavior<Command> onClose() {
    flush();
    closeFile();
    log.close(failure);
    blobs.deleteJob(jobId);
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (!log.closed()) {
      closeFile();
      log.close(failure == null ? "the coordinator stopped before the job ended" : failure);
    }
    return this;
  }

  private void flush() {
    if (failure != null) {
      return;
    }
    try {
      json.flush();
      log.advance(counter.count);
    } catch (IOException e) {
      fail(e);
    }
  }

  private void fail(IOException e) {
    failure = "cannot write results to " + log.file() + ": " + e.getMessage();
    getContext().getLog().error(failure);
  }

  private void closeFile() {
    try {
      json.close();
      counter.close();
    } catch (IOException e) {
      if (failure == null) {
        fail(e);
      }
    }
  }

  /** Counts the bytes that reached the buffered stream, so flushes know the committed length. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
