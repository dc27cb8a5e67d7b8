package cohort.netlab.chaos;

import cohort.cli.local.JvmProcess;
import cohort.netlab.Host;
import cohort.netlab.LabCluster;
import cohort.netlab.Shell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Injects random faults into a lab cluster, one after another with a random gap between them, until
 * a deadline; then leaves every host healed and every node running. Faults are dealt from a
 * shuffled deck that holds each kind (link cuts twice), so even a short run sees every kind. A node
 * killed or stopped is replaced in the background, as a process supervisor would, while faults go
 * on elsewhere. Counts what it injected.
 */
final class FaultDriver {

  private static final Duration START = Duration.ofSeconds(120);
  private static final List<Fault> DECK =
      List.of(
          Fault.KILL_NODE,
          Fault.FREEZE_NODE,
          Fault.STOP_NODE,
          Fault.CUT_LINK,
          Fault.CUT_LINK,
          Fault.KILL_COORDINATOR);

  private final LabCluster cluster;
  private final List<Host> nodeHosts;
  private final Random random;
  private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
  private final Set<Host> replacing = Collections.synchronizedSet(new HashSet<>());
  private final List<Thread> replacements = new ArrayList<>();
  private final List<Fault> deck = new ArrayList<>();

  FaultDriver(LabCluster cluster, List<Host> nodeHosts, Random random) {
    this.cluster = cluster;
    this.nodeHosts = List.copyOf(nodeHosts);
    this.random = random;
  }

  /** Injects faults until {@code deadlineNanos}, then waits for every node being replaced. */
  void run(long deadlineNanos) throws InterruptedException {
    while (System.nanoTime() < deadlineNanos) {
      Pause.millis(1000 + random.nextInt(3000));
      List<Host> healthy = new ArrayList<>(nodeHosts);
      healthy.removeAll(replacing);
      if (System.nanoTime() >= deadlineNanos || healthy.isEmpty()) {
        continue;
      }
      Fault fault = deal();
      Host host = healthy.get(random.nextInt(healthy.size()));
      System.out.printf(
          "chaos: %s%s%n",
          fault.description(), fault == Fault.KILL_COORDINATOR ? "" : " (" + host.name() + ")");
      inject(fault, host);
      injected.merge(fault, 1, Integer::sum);
    }
    for (Thread replacement : replacements) {
      replacement.join();
    }
  }

  private Fault deal() {
    if (deck.isEmpty()) {
      deck.addAll(DECK);
      Collections.shuffle(deck, random);
    }
    return deck.remove(deck.size() - 1);
  }

  private void inject(Fault fault, Host host) {
    switch (fault) {
      case KILL_NODE -> {
        JvmProcess node = cluster.node(host);
        node.kill();
        replace(host, node, 500 + random.nextInt(2500));
      }
      case FREEZE_NODE -> {
        long pid = cluster.node(host).pid();
        Shell.signal(pid, "STOP");
        try {
          Pause.millis(1000 + random.nextInt(7000));
        } finally {
          Shell.signal(pid, "CONT");
        }
      }
      case STOP_NODE -> {
        JvmProcess node = cluster.node(host);
        node.terminate();
        replace(host, node, 0);
      }
      case CUT_LINK -> {
        host.cut();
        try {
          Pause.millis(1000 + random.nextInt(9000));
        } finally {
          host.heal();
        }
      }
      case KILL_COORDINATOR -> {
        JvmProcess coordinator = cluster.coordinator();
        coordinator.kill();
        coordinator.waitFor(Duration.ofSeconds(30));
        Pause.millis(random.nextInt(2000));
        cluster.startCoordinator();
      }
    }
  }

  /**
   * Starts a new node on {@code host} in the background once the old one has ended (a drained node
   * may take its drain timeout) and {@code afterMillis} more have passed.
   */
  private void replace(Host host, JvmProcess old, long afterMillis) {
    replacing.add(host);
    Thread thread =
        new Thread(
            () -> {
              try {
                if (old.waitFor(Duration.ofSeconds(60)).isEmpty()) {
                  old.kill();
                  old.waitFor(Duration.ofSeconds(30));
                }
                Pause.millis(afterMillis);
                cluster.startNode(host, Map.of()).awaitReady(START);
              } catch (RuntimeException e) {
                System.out.printf("chaos: the node on %s did not start again: %s%n", host, e);
              } finally {
                replacing.remove(host);
              }
            },
            "replace-" + host.name());
    thread.start();
    replacements.add(thread);
  }

  /** The faults injected so far, by kind. */
  Map<Fault, Integer> injected() {
    return new EnumMap<>(injected);
  }
}
