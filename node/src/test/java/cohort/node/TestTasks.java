package cohort.node;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Small tasks for the node's unit tests. */
final class TestTasks {

  /**
   * One permit each time a {@code wait} or {@code stubborn} input starts running on its slot: what
   * tests wait for instead of a pause.
   */
  static final Semaphore STARTED = new Semaphore(0);

  /** Forgets earlier starts; for a test's set-up. */
  static void resetStarted() {
    STARTED.drainPermits();
  }

  /** Waits until {@code count} more inputs have started, or fails after five seconds. */
  static void awaitStarted(int count) {
    await(STARTED, count);
  }

  private TestTasks() {}

  /** Parameters with a default, a description and validation. */
  record ScaleParams(@JsonPropertyDescription("what to multiply by") Long factor, Boolean negate) {
    ScaleParams {
      factor = factor == null ? 1L : factor;
      negate = negate != null && negate;
    }
  }

  /** Multiplies integer inputs; throws on 13. */
  static final class ScaleTask implements Task<Long, ScaleParams, Long> {
    @Override
    public String name() {
      return "scale";
    }

    @Override
    public String description() {
      return "multiplies by factor";
    }

    @Override
    public Class<Long> inputType() {
      return Long.class;
    }

    @Override
    public Class<ScaleParams> paramsType() {
      return ScaleParams.class;
    }

    @Override
    public void validate(ScaleParams params) {
      if (params.factor() == 0) {
        throw new IllegalArgumentException("factor must not be 0");
      }
    }

    @Override
    public Long run(Long input, ScaleParams params, TaskContext context) {
      if (input == 13) {
        throw new IllegalStateException("unlucky " + input);
      }
      long value = input * params.factor();
      return params.negate() ? -value : value;
    }
  }

  /** A task over whole numbers without parameters: only its name, description and run vary. */
  abstract static class LongTask<O> implements Task<Long, NoParams, O> {
    private final String name;
    private final String description;

    LongTask(String name, String description) {
      this.name = name;
      this.description = description;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return description;
    }

    @Override
    public Class<Long> inputType() {
      return Long.class;
    }

    @Override
    public Class<NoParams> paramsType() {
      return NoParams.class;
    }
  }

  /** Returns a string of the input's length in characters. */
  static final class BlowUpTask extends LongTask<String> {
    BlowUpTask() {
      super("blow-up", "returns a long string");
    }

    @Override
    public String run(Long length, NoParams params, TaskContext context) {
      return "x".repeat(length.intValue());
    }
  }

  /** Sleeps its input ignoring nothing: returns how it ended. */
  static final class WaitTask extends LongTask<String> {
    WaitTask() {
      super("wait", "waits");
    }

    @Override
    public String run(Long millis, NoParams params, TaskContext context)
        throws InterruptedException {
      STARTED.release();
      Thread.sleep(millis);
      return "slept";
    }
  }

  /** Keeps running for its input in milliseconds, whatever interrupts it: a badly behaved task. */
  static final class StubbornTask extends LongTask<String> {
    StubbornTask() {
      super("stubborn", "ignores interrupts");
    }

    @Override
    public String run(Long millis, NoParams params, TaskContext context) {
      STARTED.release();
      long end = System.nanoTime() + millis * 1_000_000;
      while (System.nanoTime() < end) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException ignored) {
          // deliberately ignored
        }
      }
      return "done";
    }
  }

  /**
   * Checks its parameters slowly: its validate signals {@link #VALIDATING}, then waits for a permit
   * of {@link #VALIDATE_GATE} or an interrupt, which it signals on {@link #VALIDATE_INTERRUPTED}.
   * Not in {@link #all()}.
   */
  static final class SlowCheckTask extends LongTask<Long> {
    static final Semaphore VALIDATING = new Semaphore(0);
    static final Semaphore VALIDATE_GATE = new Semaphore(0);
    static final Semaphore VALIDATE_INTERRUPTED = new Semaphore(0);

    /** Forgets earlier validates; for a test's set-up. */
    static void reset() {
      VALIDATING.drainPermits();
      VALIDATE_GATE.drainPermits();
      VALIDATE_INTERRUPTED.drainPermits();
    }

    SlowCheckTask() {
      super("slow-check", "validates slowly");
    }

    @Override
    public void validate(NoParams params) {
      VALIDATING.release();
      try {
        VALIDATE_GATE.acquire();
      } catch (InterruptedException e) {
        VALIDATE_INTERRUPTED.release();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while validating");
      }
    }

    @Override
    public Long run(Long input, NoParams params, TaskContext context) {
      return input;
    }
  }

  /** Waits until {@code count} permits of {@code signal} arrived, or fails after five seconds. */
  static void await(Semaphore signal, int count) {
    try {
      if (!signal.tryAcquire(count, 5, TimeUnit.SECONDS)) {
        throw new AssertionError(count + " signals did not come within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** An output whose second property throws what its input says when it is written. */
  public record Reading(long first) {
    public long getSecond() {
      if (first == 2) {
        throw new IllegalStateException("no second for 2");
      }
      if (first == 3) {
        throw new AssertionError("an error, not an exception, for 3");
      }
      return first;
    }
  }

  /** Moves a test's clock by 10 ms and returns 60,000 characters: two outputs fill a part. */
  static final class TickTask extends LongTask<String> {
    private final AtomicLong clock;

    TickTask(AtomicLong clock) {
      super("tick", "moves the test clock");
      this.clock = clock;
    }

    @Override
    public String run(Long input, NoParams params, TaskContext context) {
      clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
      return "x".repeat(60_000);
    }
  }

  /** Returns outputs that Jackson cannot write for inputs 2 and 3. Not in {@link #all()}. */
  static final class UnwritableTask extends LongTask<Reading> {
    UnwritableTask() {
      super("unwritable", "returns outputs that cannot be written for 2 and 3");
    }

    @Override
    public Reading run(Long input, NoParams params, TaskContext context) {
      return new Reading(input);
    }
  }

  static List<Task<?, ?, ?>> all() {
    return List.of(new ScaleTask(), new BlowUpTask(), new WaitTask(), new StubbornTask());
  }
}
