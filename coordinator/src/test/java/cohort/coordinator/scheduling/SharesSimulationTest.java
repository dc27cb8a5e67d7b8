package cohort.coordinator.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Generated clusters and jobs run through {@link Shares} the way the dispatcher asks it: each step
 * some runs end, then a round fills the free slots. After every send the invariants are checked: no
 * cap, named limit or rate is ever exceeded, a slot never goes to a lower priority while a higher
 * one could take it, equal priorities get slots by fewest in use, and no job that could run waits
 * more than a bounded number of sends.
 */
class SharesSimulationTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** A job in the simulation. */
  private static final class SimJob {
    final String id;
    final JobPolicy policy;
    long left;
    int inUse;
    int passedOver;
    final ArrayDeque<Instant> starts = new ArrayDeque<>();

    SimJob(String id, JobPolicy policy, long left) {
      this.id = id;
      this.policy = policy;
      this.left = left;
    }
  }

  private record Run(SimJob job, long endsAtMillis) {}

  @Test
  void generatedCasesKeepEveryInvariant() {
    for (long seed = 1; seed <= 400; seed++) {
      simulate(new Random(seed), seed);
    }
  }

  private void simulate(Random random, long seed) {
    int slots = 1 + random.nextInt(12);
    int count = 1 + random.nextInt(8);
    String[] limitNames = {"db", "api", "gpu"};
    List<SimJob> jobs = new ArrayList<>();
    Rate api = new Rate(5 + random.nextInt(50), "n/s"); // a named rate: the same for every job
    for (int i = 0; i < count; i++) {
      TreeMap<String, Integer> limits = new TreeMap<>();
      TreeMap<String, Rate> rates = new TreeMap<>();
      if (random.nextInt(3) == 0) {
        limits.put(limitNames[random.nextInt(3)], 1 + random.nextInt(4));
      }
      if (random.nextInt(6) == 0) {
        rates.put("api", api);
      }
      JobPolicy policy =
          new JobPolicy(
              random.nextInt(3) - 1,
              random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0,
              limits,
              random.nextInt(6) == 0 ? new Rate(5 + random.nextInt(100), "n/s") : null,
              rates);
      jobs.add(new SimJob("j" + i, policy, 20 + random.nextInt(200)));
    }
    Shares shares = new Shares();
    List<Run> running = new ArrayList<>();
    long nowMillis = 0;
    int sends = 0;
    while (jobs.stream().anyMatch(job -> job.left > 0 || job.inUse > 0) && nowMillis < 600_000) {
      long at = nowMillis;
      running.removeIf(
          run -> {
            if (run.endsAtMillis() <= at) {
              run.job().inUse--;
              return true;
            }
            return false;
          });
      Instant now = T0.plusMillis(nowMillis);
      List<Shares.Claim> claims = new ArrayList<>();
      for (SimJob job : jobs) {
        if (job.left > 0 || job.inUse > 0) {
          claims.add(new Shares.Claim(job.id, job.policy, job.inUse, job.left > 0));
        }
      }
      Shares.Round round = shares.round(claims, now);
      while (running.size() < slots) {
        SimJob best = null;
        List<SimJob> eligible = new ArrayList<>();
        for (SimJob job : jobs) {
          if (job.left > 0 && round.allowance(job.id) > 0) {
            eligible.add(job);
            if (best == null || round.before(job.id, best.id)) {
              best = job;
            }
          }
        }
        if (best == null) {
          break;
        }
        checkChoice(seed, best, eligible);
        int inputs =
            (int) Math.min(Math.min(best.left, 1 + random.nextInt(3)), round.allowance(best.id));
        round.sent(best.id, inputs);
        best.left -= inputs;
        best.inUse++;
        for (int i = 0; i < inputs; i++) {
          best.starts.addLast(now);
        }
        running.add(new Run(best, nowMillis + 1 + random.nextInt(400)));
        sends++;
        for (SimJob other : eligible) {
          // Fair share by slots in use: only a job holding none may claim the very next slots.
          // Higher priorities go first by design: count only what an equal one took.
          if (other == best || other.inUse > 0) {
            other.passedOver = 0;
          } else if (best.policy.priority() == other.policy.priority()) {
            other.passedOver++;
          }
        }
        checkLimits(seed, jobs, round);
        checkRates(seed, jobs, now);
        checkWaits(seed, jobs, best, eligible, slots);
      }
      nowMillis += 1 + random.nextInt(50);
    }
    assertThat(jobs).as("seed %d: every job ran all its inputs", seed).allMatch(j -> j.left == 0);
    assertThat(sends).isPositive();
  }

  /** The chosen job has the highest priority, then the fewest batches out, of those eligible. */
  private static void checkChoice(long seed, SimJob best, List<SimJob> eligible) {
    for (SimJob other : eligible) {
      assertThat(other.policy.priority())
          .as(
              "seed %d: %s (priority %d) served before %s",
              seed, best.id, best.policy.priority(), other.id)
          .isLessThanOrEqualTo(best.policy.priority());
      if (other.policy.priority() == best.policy.priority()) {
        assertThat(best.inUse)
            .as(
                "seed %d: %s got a slot while %s of equal priority held fewer",
                seed, best.id, other.id)
            .isLessThanOrEqualTo(other.inUse);
      }
    }
  }

  private static void checkLimits(long seed, List<SimJob> jobs, Shares.Round round) {
    Map<String, Integer> use = new HashMap<>();
    Map<String, Integer> slots = new HashMap<>();
    for (SimJob job : jobs) {
      if (job.policy.maxRunning() > 0) {
        assertThat(job.inUse)
            .as("seed %d: %s over its max-running", seed, job.id)
            .isLessThanOrEqualTo(job.policy.maxRunning());
      }
      if (job.left > 0 || job.inUse > 0) {
        job.policy.limits().forEach((name, k) -> slots.merge(name, k, Math::min));
        job.policy.limits().keySet().forEach(name -> use.merge(name, job.inUse, Integer::sum));
      }
    }
    use.forEach(
        (name, n) -> {
          assertThat(n)
              .as("seed %d: limit %s exceeded", seed, name)
              .isLessThanOrEqualTo(slots.get(name));
          assertThat(round.limitInUse(name)).isEqualTo(n);
        });
  }

  /** No job starts more inputs in any second than its rate and one burst allow. */
  private static void checkRates(long seed, List<SimJob> jobs, Instant now) {
    Map<String, Integer> shared = new LinkedHashMap<>();
    Map<String, Rate> sharedRate = new HashMap<>();
    for (SimJob job : jobs) {
      while (!job.starts.isEmpty() && job.starts.peekFirst().isBefore(now.minusSeconds(1))) {
        job.starts.pollFirst();
      }
      Rate rate = job.policy.rate();
      if (rate != null) {
        assertThat((double) job.starts.size())
            .as("seed %d: %s over its rate %s", seed, job.id, rate.perSecond())
            .isLessThanOrEqualTo(rate.perSecond() + rate.burst() + 3);
      }
      job.policy
          .rates()
          .forEach(
              (name, r) -> {
                shared.merge(name, job.starts.size(), Integer::sum);
                sharedRate.merge(name, r, (a, b) -> a.perSecond() <= b.perSecond() ? a : b);
              });
    }
    shared.forEach(
        (name, n) ->
            assertThat((double) n)
                .as("seed %d: shared rate %s exceeded", seed, name)
                .isLessThanOrEqualTo(
                    sharedRate.get(name).perSecond() + sharedRate.get(name).burst() + 3));
  }

  /**
   * A job that could run and holds no slot is passed over at most once for each other job of its
   * priority: it has the fewest slots in use, and among equals the one served longest ago goes
   * first.
   */
  private static void checkWaits(
      long seed, List<SimJob> jobs, SimJob served, List<SimJob> eligible, int slots) {
    for (SimJob job : eligible) {
      long equals = jobs.stream().filter(o -> o.policy.priority() == job.policy.priority()).count();
      if (served.policy.priority() == job.policy.priority()) {
        assertThat(job.passedOver).as("seed %d: %s starved", seed, job.id).isLessThan((int) equals);
      }
    }
  }
}
