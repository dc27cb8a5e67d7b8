package cohort.coordinator.scheduling;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which job a free slot serves, and how much it may send: the jobs' priorities, fair share between
 * jobs of equal priority, and the limits and rates they ask for.
 *
 * <ul>
 *   <li>The highest priority goes first. Among equals, the job with the fewest batches out on the
 *       nodes (the slots it uses), then the one served longest ago: a large job cannot starve a
 *       small one, whatever the order they came in.
 *   <li>A job with a cap ({@code --max-running}, named limits) has at most as many batches out as
 *       the cap, and each holds a slot: it is sent work only where a slot is free, never queued
 *       behind others, so its batches out are its running inputs. A named limit's slots are the
 *       fewest any running job that names it gives; the batches of every job that names it count.
 *   <li>A job with a rate takes a token per input; a named rate's tokens are shared by every job
 *       that names it. A job out of tokens waits until {@link Round#wakeAt()}.
 *   <li>A job that waits while a job of higher priority has work does not queue work on the nodes
 *       either, so the higher one takes each slot as it frees.
 * </ul>
 *
 * <p>Permits are not kept apart from the batches: a batch returned, lost with its node or left by a
 * cancelled job is no longer out, so its slot is free at the next round. Rates live here, between
 * rounds. Not thread-safe: the dispatcher owns it.
 */
public final class Shares {

  /**
   * A running job as the scheduler sees it.
   *
   * @param job its id
   * @param inUse its batches out on the nodes now
   * @param hasWork whether it has inputs to send
   */
  public record Claim(String job, JobPolicy policy, int inUse, boolean hasWork) {}

  private final Map<String, TokenBucket> jobRates = new HashMap<>();
  private final Map<String, TokenBucket> namedRates = new HashMap<>();
  private final Map<String, Long> served = new HashMap<>();
  private long tick;

  /** Starts a round of dispatch over the running jobs. */
  public Round round(List<Claim> claims, Instant now) {
    return new Round(claims, now);
  }

  /** One round of dispatch: the jobs' batches out change as it sends. */
  public final class Round {
    private final Instant now;
    private final Map<String, Entry> jobs = new HashMap<>();
    private final Map<String, Integer> limitSlots = new HashMap<>();
    private final Map<String, Integer> limitUse = new HashMap<>();
    private final int topPriorityWithWork;
    private Instant wakeAt;

    private Round(List<Claim> claims, Instant now) {
      this.now = now;
      int top = Integer.MIN_VALUE;
      Map<String, Rate> slowest = new HashMap<>();
      for (Claim claim : claims) {
        JobPolicy policy = claim.policy();
        jobs.put(claim.job(), new Entry(policy, claim.inUse()));
        if (claim.hasWork()) {
          top = Math.max(top, policy.priority());
        }
        policy.limits().forEach((name, slots) -> limitSlots.merge(name, slots, Math::min));
        for (String name : policy.limits().keySet()) {
          limitUse.merge(name, claim.inUse(), Integer::sum);
        }
        policy.rates().forEach((name, rate) -> slowest.merge(name, rate, Shares::slower));
      }
      this.topPriorityWithWork = top;
      refreshBuckets(claims, slowest);
    }

    private void refreshBuckets(List<Claim> claims, Map<String, Rate> slowest) {
      Set<String> running = new HashSet<>();
      for (Claim claim : claims) {
        running.add(claim.job());
        Rate rate = claim.policy().rate();
        if (rate != null) {
          jobRates.computeIfAbsent(claim.job(), id -> new TokenBucket(rate, now));
        }
      }
      jobRates.keySet().retainAll(running);
      served.keySet().retainAll(running);
      namedRates.keySet().retainAll(slowest.keySet());
      slowest.forEach(
          (name, rate) -> {
            TokenBucket bucket = namedRates.get(name);
            if (bucket == null) {
              namedRates.put(name, new TokenBucket(rate, now));
            } else if (!bucket.rate().equals(rate)) {
              namedRates.put(name, bucket.at(rate, now)); // another job set it lower, or left
            }
          });
    }

    /**
     * How many inputs the job may be sent in its next batch: 0 while a cap or a rate holds it back,
     * {@link Integer#MAX_VALUE} when neither bounds it.
     */
    public int allowance(String job) {
      Entry entry = jobs.get(job);
      if (entry == null) {
        return 0;
      }
      JobPolicy policy = entry.policy;
      if (policy.maxRunning() > 0 && entry.inUse >= policy.maxRunning()) {
        return 0;
      }
      for (String name : policy.limits().keySet()) {
        if (limitUse.getOrDefault(name, 0) >= limitSlots.get(name)) {
          return 0;
        }
      }
      double tokens = Double.POSITIVE_INFINITY;
      Instant next = null;
      for (TokenBucket bucket : buckets(job, policy)) {
        double available = bucket.available(now);
        if (available < tokens) {
          tokens = available;
        }
        if (available < 1) {
          Instant at = bucket.nextToken(now);
          next = next == null || at.isAfter(next) ? at : next;
        }
      }
      if (tokens < 1) {
        wakeAt = wakeAt == null || next.isBefore(wakeAt) ? next : wakeAt;
        return 0;
      }
      return tokens == Double.POSITIVE_INFINITY ? Integer.MAX_VALUE : (int) Math.floor(tokens);
    }

    private List<TokenBucket> buckets(String job, JobPolicy policy) {
      TokenBucket own = jobRates.get(job);
      if (own == null && policy.rates().isEmpty()) {
        return List.of();
      }
      java.util.ArrayList<TokenBucket> all = new java.util.ArrayList<>();
      if (own != null) {
        all.add(own);
      }
      for (String name : policy.rates().keySet()) {
        all.add(namedRates.get(name));
      }
      return all;
    }

    /**
     * Whether the job may queue work on a node beyond its free slots: not while a job of higher
     * priority has work, and not when its cap is within the cluster's slots (a queued batch holds
     * its permit while it waits, so it would leave the cap's slots unused).
     *
     * @param slots slots of the nodes that run the job's task
     */
    public boolean mayQueue(String job, int slots) {
      Entry entry = jobs.get(job);
      return entry != null
          && entry.policy.priority() >= topPriorityWithWork
          && capOf(entry.policy) > slots;
    }

    /** The fewest slots a cap of the job allows; MAX_VALUE when it has none. */
    private int capOf(JobPolicy policy) {
      int cap = policy.maxRunning() > 0 ? policy.maxRunning() : Integer.MAX_VALUE;
      for (String name : policy.limits().keySet()) {
        cap = Math.min(cap, limitSlots.get(name));
      }
      return cap;
    }

    /** Whether job {@code a} is served before job {@code b}. */
    public boolean before(String a, String b) {
      Entry x = jobs.get(a);
      Entry y = jobs.get(b);
      if (x.policy.priority() != y.policy.priority()) {
        return x.policy.priority() > y.policy.priority();
      }
      if (x.inUse != y.inUse) {
        return x.inUse < y.inUse;
      }
      return served.getOrDefault(a, Long.MIN_VALUE) < served.getOrDefault(b, Long.MIN_VALUE);
    }

    /** The job was sent a batch of {@code inputs}: it holds one more slot and took its tokens. */
    public void sent(String job, int inputs) {
      Entry entry = jobs.get(job);
      entry.inUse++;
      for (String name : entry.policy.limits().keySet()) {
        limitUse.merge(name, 1, Integer::sum);
      }
      for (TokenBucket bucket : buckets(job, entry.policy)) {
        bucket.take(inputs);
      }
      served.put(job, ++tick);
    }

    /** When a job held back by a rate gets a token again, if one was. */
    public Optional<Instant> wakeAt() {
      return Optional.ofNullable(wakeAt);
    }

    /** Slots of the named limit held now, by the batches of every job that names it. */
    public int limitInUse(String name) {
      return limitUse.getOrDefault(name, 0);
    }
  }

  private static Rate slower(Rate a, Rate b) {
    return a.perSecond() <= b.perSecond() ? a : b;
  }

  private static final class Entry {
    final JobPolicy policy;
    int inUse;

    Entry(JobPolicy policy, int inUse) {
      this.policy = policy;
      this.inUse = inUse;
    }
  }
}
