package cohort.pool;

import cohort.api.Result;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A job's results as they come, like the iterator of Python's {@code imap}: {@link #next()} gives
 * the next output and throws the input's {@link TaskFailedException} where one failed, as {@code
 * imap} re-raises; {@link #nextOutcome()} gives each result or error without throwing. Close it (a
 * try-with-resources block) to stop early: the job is cancelled if it still runs. Not thread-safe;
 * read it from one thread.
 *
 * @param <O> the task's output type
 */
public final class Results<O> implements Iterator<O>, AutoCloseable {

  private final Iterator<Result> results;
  private final Codec<?, O> codec;
  private final Runnable close;
  private final Supplier<RuntimeException> inputFailure;
  private final String job;
  private boolean closed;

  /**
   * @param close stops reading, and cancels the job if it runs
   * @param inputFailure why the inputs could not all be sent, or null while they could
   */
  Results(
      String job,
      Iterator<Result> results,
      Codec<?, O> codec,
      Runnable close,
      Supplier<RuntimeException> inputFailure) {
    this.job = job;
    this.results = results;
    this.codec = codec;
    this.close = close;
    this.inputFailure = inputFailure;
  }

  /** The job's id, for {@code cohort status} and the HTTP API. */
  public String jobId() {
    return job;
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    if (results.hasNext()) {
      return true;
    }
    RuntimeException failure = inputFailure.get();
    if (failure != null) {
      throw failure; // the inputs broke off: the results end early, and that is why
    }
    return false;
  }

  /**
   * The next output.
   *
   * @throws TaskFailedException when that input failed; the results after it can still be read
   */
  @Override
  public O next() {
    return nextOutcome().get();
  }

  /** The next result, output or error, without throwing for an error. */
  public Outcome<O> nextOutcome() {
    if (!hasNext()) {
      throw new NoSuchElementException("the job's results are all read");
    }
    return codec.outcome(results.next());
  }

  /** The outputs as a stream; a failed input throws where it comes. Closing it closes this. */
  public Stream<O> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED), false)
        .onClose(this::close);
  }

  /** Every result, output or error, as a stream. Closing it closes this. */
  public Stream<Outcome<O>> outcomes() {
    Iterator<Outcome<O>> each =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return Results.this.hasNext();
          }

          @Override
          public Outcome<O> next() {
            return nextOutcome();
          }
        };
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(each, Spliterator.ORDERED), false)
        .onClose(this::close);
  }

  /** Stops reading; cancels the job if it still runs. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      close.run();
    }
  }
}
