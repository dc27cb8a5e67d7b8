package cohort.node.tasks;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;
import java.math.BigInteger;

/**
 * Sums the integers of a range with a plain loop: the CPU-bound example of the multiprocessing
 * documents. The sum is exact however large, like a Python integer.
 */
public final class SumRangeTask implements Task<Span, NoParams, BigInteger> {

  /** Integers summed between cancellation checks: a few milliseconds of work. */
  private static final long CHUNK = 1L << 22;

  /** Below this magnitude a whole chunk sums in a long without overflow (2^22 * 2^40 = 2^62). */
  private static final long SMALL = 1L << 40;

  @Override
  public String name() {
    return "sum-range";
  }

  @Override
  public String description() {
    return "sums the integers start..end-1 of its input with a plain loop (use --range A..B --split"
        + " K)";
  }

  /** A sum over parts is only interesting as one number: jobs add up their parts by default. */
  @Override
  public String combiner() {
    return "sum";
  }

  @Override
  public Class<Span> inputType() {
    return Span.class;
  }

  @Override
  public Class<NoParams> paramsType() {
    return NoParams.class;
  }

  @Override
  public BigInteger run(Span span, NoParams params, TaskContext context)
      throws InterruptedException {
    if (span.start() > span.end()) {
      throw new IllegalArgumentException(
          "the range " + span.start() + ".." + span.end() + " ends before it starts");
    }
    return sum(span.start(), span.end(), context);
  }

  /** Sums {@code [start, end)} chunk by chunk, checking for a cancel between chunks. */
  static BigInteger sum(long start, long end, TaskContext context) throws InterruptedException {
    BigInteger total = BigInteger.ZERO;
    long from = start;
    while (from < end) {
      long to = end - from > CHUNK || end - from < 0 ? from + CHUNK : end;
      if (from > -SMALL && to < SMALL) {
        total = total.add(BigInteger.valueOf(sumSmall(from, to)));
      } else {
        total = total.add(sumWide(from, to));
      }
      from = to;
      if (context != null) {
        context.checkCancelled();
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("sum-range interrupted");
      }
    }
    return total;
  }

  private static long sumSmall(long from, long to) {
    long sum = 0;
    for (long i = from; i < to; i++) {
      sum += i;
    }
    return sum;
  }

  /** A 128-bit running sum for chunks whose values are too large for a long accumulator. */
  private static BigInteger sumWide(long from, long to) {
    long high = 0;
    long low = 0;
    for (long i = from; i < to; i++) {
      long next = low + i;
      if (((low ^ next) & (i ^ next)) < 0) {
        high += i < 0 ? -1 : 1;
      }
      low = next;
    }
    return BigInteger.valueOf(high).shiftLeft(64).add(BigInteger.valueOf(low));
  }
}
