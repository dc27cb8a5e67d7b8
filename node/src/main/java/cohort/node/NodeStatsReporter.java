package cohort.node;

import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.CoordinatorProtocol.NodeStats;
import cohort.protocol.WorkerProtocol;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * Sends the coordinators a node's own figures ({@link NodeStats}: heap in use, heap limit, the
 * process's CPU load) every {@code cohort.node.stats-every}. The coordinator shows them with the
 * figures it keeps itself (inputs done and failed per node), so one scrape of the coordinator
 * covers the cluster and nodes need no port of their own for Prometheus.
 *
 * <p>A child of the worker, whose ref the figures carry: the coordinator keys nodes by it. It finds
 * the coordinators through the receptionist, as the worker does; a coordinator that does not know
 * the node yet ignores its figures.
 */
final class NodeStatsReporter extends AbstractBehavior<NodeStatsReporter.Event> {

  /** What the reporter hears. */
  sealed interface Event {}

  private enum Tick implements Event {
    INSTANCE
  }

  private record Listed(Set<ActorRef<CoordinatorProtocol.Command>> coordinators) implements Event {}

  /** The shortest and longest time between two reports. */
  static final Duration MIN_EVERY = Duration.ofMillis(100);

  static final Duration MAX_EVERY = Duration.ofHours(1);

  private final ActorRef<WorkerProtocol.Command> worker;
  private Set<ActorRef<CoordinatorProtocol.Command>> coordinators = Set.of();

  /**
   * Creates the reporter.
   *
   * @param worker the node's worker, which the coordinator knows the node by
   * @param every time between two reports
   * @throws IllegalArgumentException when {@code every} is out of range
   */
  static Behavior<Event> create(ActorRef<WorkerProtocol.Command> worker, Duration every) {
    if (every.compareTo(MIN_EVERY) < 0 || every.compareTo(MAX_EVERY) > 0) {
      throw new IllegalArgumentException(
          "cohort.node.stats-every is "
              + every.toMillis()
              + "ms; give a time from 100ms to 1h, such as 3s");
    }
    return Behaviors.withTimers(
        timers -> {
          timers.startTimerWithFixedDelay(Tick.INSTANCE, every);
          return Behaviors.setup(context -> new NodeStatsReporter(context, worker));
        });
  }

  private NodeStatsReporter(ActorContext<Event> context, ActorRef<WorkerProtocol.Command> worker) {
    super(context);
    this.worker = worker;
    context
        .getSystem()
        .receptionist()
        .tell(
            Receptionist.subscribe(
                CoordinatorProtocol.SERVICE_KEY,
                context.messageAdapter(
                    Receptionist.Listing.class,
                    listing ->
                        new Listed(listing.getServiceInstances(CoordinatorProtocol.SERVICE_KEY)))));
  }

  @Override
  public Receive<Event> createReceive() {
    return newReceiveBuilder()
        .onMessage(Listed.class, this::onListed)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .build();
  }

  private Behavior<Event> onListed(Listed listed) {
    coordinators = listed.coordinators();
    return this;
  }

  private Behavior<Event> onTick() {
    if (!coordinators.isEmpty()) {
      NodeStats stats = measure(worker);
      coordinators.forEach(coordinator -> coordinator.tell(stats));
    }
    return this;
  }

  /** This JVM's figures now. */
  static NodeStats measure(ActorRef<WorkerProtocol.Command> worker) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    double cpu =
        os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuLoad() : -1;
    return new NodeStats(worker, heap.getUsed(), heap.getMax(), Double.isNaN(cpu) ? -1 : cpu);
  }
}
