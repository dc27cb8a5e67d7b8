package cohort.bench.scale;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of this JVM's threads, by who they work for, between two snapshots. The coordinator's
 * actor system runs the simulated nodes on a dispatcher of their own, and times their slots on a
 * thread of their own (both named after {@link #NODES_DISPATCHER}), so its other threads (its
 * actors, the result writer's blocking pool, Pekko's internal pool and scheduler) are the
 * coordinator's. What the process used beyond its Java threads is the garbage collector's and the
 * JIT compilers'.
 */
final class ThreadCpu {

  /** The dispatcher the simulated nodes run on; its threads' names contain this id. */
  static final String NODES_DISPATCHER = "cohort-bench.scale-nodes";

  /** Who a thread works for. */
  enum Part {
    COORDINATOR,
    NODES,
    OTHER
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * CPU time by thread at one moment, with the process's and the collectors'.
   *
   * @param cpuById each live thread's CPU time, in nanoseconds
   * @param partById who each thread works for
   * @param process the process's CPU time, in nanoseconds
   * @param gcCount collections so far
   * @param gcMillis time the collectors report so far
   * @param wallNanos {@link System#nanoTime()} when taken
   */
  record Snapshot(
      Map<Long, Long> cpuById,
      Map<Long, Part> partById,
      Map<Long, String> poolById,
      long process,
      long gcCount,
      long gcMillis,
      long wallNanos) {}

  /**
   * What was used between two snapshots.
   *
   * @param byPart CPU nanoseconds of the threads of each part
   * @param byPool CPU nanoseconds of the coordinator's threads by pool (the thread's name without
   *     its number)
   * @param process CPU nanoseconds of the whole process
   * @param vanished threads that ended in between: what they used is missing from {@code byPart}
   */
  record Used(
      Map<Part, Long> byPart,
      Map<String, Long> byPool,
      long process,
      long gcCount,
      long gcMillis,
      long wallNanos,
      int vanished) {

    long of(Part part) {
      return byPart.getOrDefault(part, 0L);
    }

    /** CPU of the process outside the Java threads counted: the collectors and compilers. */
    long beyondThreads() {
      long threads = 0;
      for (long nanos : byPart.values()) {
        threads += nanos;
      }
      return process - threads;
    }
  }

  private ThreadCpu() {}

  /**
   * @param systemName the actor system's name, which prefixes its threads' names
   */
  static Snapshot take(String systemName) {
    long[] ids = THREADS.getAllThreadIds();
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, Part> parts = new HashMap<>();
    Map<Long, String> pools = new HashMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(ids)) {
      if (info == null) {
        continue; // ended meanwhile
      }
      long nanos = THREADS.getThreadCpuTime(info.getThreadId());
      if (nanos >= 0) {
        cpu.put(info.getThreadId(), nanos);
        parts.put(info.getThreadId(), partOf(systemName, info.getThreadName()));
        pools.put(info.getThreadId(), info.getThreadName().replaceAll("-[0-9]+$", ""));
      }
    }
    long gcCount = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    return new Snapshot(cpu, parts, pools, processCpu(), gcCount, gcMillis, System.nanoTime());
  }

  static Used between(Snapshot before, Snapshot after) {
    Map<Part, Long> byPart = new HashMap<>();
    Map<String, Long> byPool = new HashMap<>();
    after
        .cpuById()
        .forEach(
            (id, nanos) -> {
              long used = nanos - before.cpuById().getOrDefault(id, 0L);
              Part part = after.partById().get(id);
              byPart.merge(part, used, Long::sum);
              if (part == Part.COORDINATOR) {
                byPool.merge(after.poolById().get(id), used, Long::sum);
              }
            });
    int vanished = 0;
    for (Long id : before.cpuById().keySet()) {
      vanished += after.cpuById().containsKey(id) ? 0 : 1;
    }
    return new Used(
        byPart,
        byPool,
        after.process() - before.process(),
        after.gcCount() - before.gcCount(),
        after.gcMillis() - before.gcMillis(),
        after.wallNanos() - before.wallNanos(),
        vanished);
  }

  static Part partOf(String systemName, String thread) {
    if (thread.contains(NODES_DISPATCHER)) {
      return Part.NODES;
    }
    if (thread.startsWith(systemName + "-")) {
      return Part.COORDINATOR;
    }
    return Part.OTHER;
  }

  private static long processCpu() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime()
        : -1;
  }
}
