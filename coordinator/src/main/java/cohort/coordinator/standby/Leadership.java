package cohort.coordinator.standby;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator's turn at the lead: standing by, it asks for the {@link Lease} every {@link
 * StandbySettings#renewEvery()} and learns who holds it; leading, it renews it as often. A leader
 * that cannot renew before its lead could have run out gives up at once ({@code lost}): from then
 * on a standby may take over, and two coordinators must never write the same jobs.
 *
 * <p>Its own two threads do the work: one talks to the database, which may block, and one checks
 * the time left, which must not.
 */
public final class Leadership implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final Lease lease;
  private final Duration length;
  private final Duration every;
  private final Consumer<String> lost;
  private final ScheduledExecutorService database =
      Executors.newSingleThreadScheduledExecutor(daemon("cohort-lease"));
  private final ScheduledExecutorService fence =
      Executors.newSingleThreadScheduledExecutor(daemon("cohort-lease-fence"));

  private volatile Optional<Lease.Holder> holder = Optional.empty();
  private volatile boolean leading;
  private volatile boolean closed;

  /** Until when the lead is surely this coordinator's, by {@link System#nanoTime()}. */
  private volatile long safeUntilNanos;

  private boolean unreachable;

  /**
   * @param lease the lead in the shared database
   * @param settings the lease's length
   * @param lost what to do when the lead is lost while leading: stop writing at once
   */
  public Leadership(Lease lease, StandbySettings settings, Consumer<String> lost) {
    this.lease = lease;
    this.length = settings.lease();
    this.every = settings.renewEvery();
    this.lost = lost;
  }

  /**
   * Stands by until this coordinator takes the lead, then runs {@code won} once with the term on
   * the lease's thread and renews from then on.
   */
  public void standBy(String httpUrl, String clusterAddress, java.util.function.LongConsumer won) {
    database.scheduleWithFixedDelay(
        () -> step(httpUrl, clusterAddress, won), 0, every.toMillis(), TimeUnit.MILLISECONDS);
    fence.scheduleWithFixedDelay(
        this::checkTimeLeft,
        every.toMillis(),
        Math.max(1, every.toMillis() / 2),
        TimeUnit.MILLISECONDS);
  }

  /** Who leads, as last read; this coordinator once it leads. */
  public Optional<Lease.Holder> holder() {
    return holder;
  }

  public boolean leading() {
    return leading;
  }

  private void step(String httpUrl, String clusterAddress, java.util.function.LongConsumer won) {
    if (closed) {
      return;
    }
    long start = System.nanoTime();
    try {
      if (leading) {
        if (lease.renew()) {
          safeUntilNanos = start + length.minus(every).toNanos();
        } else {
          giveUp("another coordinator took the lead, or it ran out before this one renewed it");
        }
      } else {
        OptionalLong term = lease.tryTake(httpUrl, clusterAddress);
        if (term.isPresent()) {
          safeUntilNanos = start + length.minus(every).toNanos();
          leading = true;
          holder =
              Optional.of(new Lease.Holder(lease.id(), httpUrl, clusterAddress, term.getAsLong()));
          LOG.info(
              "took the lead of the coordinators sharing the journal (term {})", term.getAsLong());
          won.accept(term.getAsLong());
        } else {
          holder = lease.holder();
        }
      }
      if (unreachable) {
        unreachable = false;
        LOG.info("the journal database answers again");
      }
    } catch (SQLException e) {
      if (!unreachable) {
        unreachable = true;
        LOG.warn(
            "cannot reach the journal database ({}); {}",
            e.getMessage(),
            leading ? "the lead is given up if this lasts" : "trying again");
      }
    }
  }

  private void checkTimeLeft() {
    if (leading && !closed && System.nanoTime() - safeUntilNanos > 0) {
      giveUp("it could not be renewed within " + length.toMillis() + " ms");
    }
  }

  private void giveUp(String why) {
    if (closed) {
      return;
    }
    closed = true;
    leading = false;
    lost.accept(why);
  }

  /** Stops asking and renewing, and gives the lead up if this coordinator has it. */
  @Override
  public void close() {
    boolean had = leading && !closed;
    closed = true;
    leading = false;
    fence.shutdownNow();
    database.shutdownNow();
    try {
      database.awaitTermination(length.toMillis(), TimeUnit.MILLISECONDS);
      if (had) {
        lease.release();
      }
    } catch (SQLException e) {
      LOG.warn(
          "could not give up the lead ({}); a standby takes it when it runs out", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lease.close();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
