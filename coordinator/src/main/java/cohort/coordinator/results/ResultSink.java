package cohort.coordinator.results;

import cohort.coordinator.job.JobState;
import cohort.coordinator.job.ResultBlock;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A job's results on their way to its {@link ResultWriter}: the blocks released during one round of
 * messages go over in one append, and the results the writer has not confirmed yet are counted, so
 * dispatch can hold the job back while the disk falls behind (results waiting for the disk are held
 * in memory).
 *
 * <p>Used by the coordinator actor only; not thread-safe.
 */
public final class ResultSink {

  /**
   * Results of one job that may wait for its writer before the job sends no more work: the writer
   * is slower than the nodes at times.
   */
  public static final long MAX_UNWRITTEN = 50_000;

  private ActorRef<ResultWriter.Command> writer;
  private List<ResultBlock> pending = new ArrayList<>();
  private long unwritten;
  private boolean closed;

  /** Starts handing results to {@code writer}. */
  public void start(ActorRef<ResultWriter.Command> writer) {
    if (this.writer != null) {
      throw new IllegalStateException("the result writer started already");
    }
    this.writer = writer;
  }

  /** Takes released results; they go to the writer at the next {@link #flush}. */
  public void add(List<ResultBlock> blocks) {
    for (ResultBlock block : blocks) {
      unwritten += block.size();
    }
    pending.addAll(blocks);
  }

  /**
   * Hands the writer what came in since the last flush, and closes the log once the job ended.
   *
   * @param job the job's state: once it is terminal, no more results will come
   */
  public void flush(JobState job) {
    if (writer == null) {
      return;
    }
    if (!pending.isEmpty()) {
      writer.tell(new ResultWriter.Append(pending));
      pending = new ArrayList<>();
    }
    if (job.terminal() && !closed) {
      closed = true;
      writer.tell(
          new ResultWriter.Close(
              job.phase().name(), job.message(), job.finishedAt().orElseThrow()));
    }
  }

  /** Whether the writer is so far behind that the job should send no more work now. */
  public boolean heldBack() {
    return unwritten > MAX_UNWRITTEN;
  }

  /**
   * The writer wrote {@code count} results.
   *
   * @return true when that ends a hold-back: the job may send work again
   */
  public boolean written(int count) {
    boolean wasHeld = heldBack();
    unwritten -= count;
    return wasHeld && !heldBack();
  }
}
