package cohort.bench.peers.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.instance.BuildInfoProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Java peer of the benchmark suite: Hazelcast's distributed {@link IExecutorService} on a
 * cluster of member JVMs on 127.0.0.1, driven from this JVM through a Hazelcast client (or, in
 * {@link Mode#MEMBER}, through a lite member).
 *
 * <pre>
 * try (HazelcastPeer peer = HazelcastPeer.start(classPath, logDir, 2)) {
 *   peer.warmUp(200_000);
 *   double rate = peer.tasksPerSecond(100_000, 1_000);
 *   long[] nanos = peer.roundTripNanos(1_000);
 * }
 * </pre>
 *
 * <p>Not safe for use by several threads at once.
 */
public final class HazelcastPeer implements AutoCloseable {

  /** How this JVM submits tasks to the cluster. */
  public enum Mode {
    /**
     * Through a Hazelcast client with smart routing: a connection to every member, each task sent
     * straight to the member that runs it. The default, and how an application outside the cluster
     * uses Hazelcast.
     */
    CLIENT,
    /**
     * Through a lite member started in this JVM: a full cluster member that holds no partitions, so
     * every task still runs on the member JVMs.
     */
    MEMBER
  }

  /**
   * The JVM options of each member JVM: the module access Hazelcast asks for on Java 17 (its
   * documented {@code --add-modules}, {@code --add-exports} and {@code --add-opens}), exit on
   * running out of memory, and one-line log records. Heap and GC are the JVM's defaults.
   */
  public static final List<String> MEMBER_JVM_OPTIONS =
      List.of(
          "--add-modules",
          "java.se",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "-XX:+ExitOnOutOfMemoryError",
          "-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s - %5$s%6$s%n");

  /** The most tasks {@link #warmUp} also sends one at a time. */
  private static final int WARM_UP_ROUND_TRIPS = 2_000;

  /** The in-flight bound of {@link #warmUp}'s pipelined tasks. */
  private static final int WARM_UP_IN_FLIGHT = 1_000;

  private static final long READY_TIMEOUT_MILLIS = 60_000;
  private static final long STOP_TIMEOUT_MILLIS = 10_000;
  private static final long TASK_TIMEOUT_SECONDS = 300;
  private static final String READY = "READY hazelcast member=";

  private final List<Process> members = new ArrayList<>();
  private HazelcastInstance instance;
  private IExecutorService executor;

  private HazelcastPeer() {}

  /**
   * Starts {@code members} member JVMs, with Hazelcast's default executor settings, and connects a
   * client to them.
   *
   * @param classPath the class path of the member JVMs; it must hold Hazelcast and this package
   * @param logDir where each member's stdout and stderr go, to {@code
   *     hazelcast-member-<n>-<port>.log}
   * @param members how many member JVMs to start
   * @throws IllegalStateException if a member is not ready within 60 s; the message names its log
   */
  public static HazelcastPeer start(String classPath, Path logDir, int members) {
    return start(classPath, logDir, members, Mode.CLIENT, HazelcastConfigs.DEFAULT_POOL_SIZE);
  }

  /**
   * Starts {@code members} member JVMs and connects to them in the given way.
   *
   * @param classPath the class path of the member JVMs; it must hold Hazelcast and this package
   * @param logDir where each member's stdout and stderr go, to {@code
   *     hazelcast-member-<n>-<port>.log}
   * @param members how many member JVMs to start
   * @param mode how this JVM joins the cluster to submit tasks
   * @param executorPoolSize the executor's threads per member JVM, or 0 for Hazelcast's default
   *     (16)
   * @throws IllegalStateException if a member is not ready within 60 s; the message names its log
   */
  public static HazelcastPeer start(
      String classPath, Path logDir, int members, Mode mode, int executorPoolSize) {
    if (members < 1) {
      throw new IllegalArgumentException("members must be at least 1, got " + members);
    }
    HazelcastPeer peer = new HazelcastPeer();
    try {
      peer.launch(classPath, logDir, members, mode, executorPoolSize);
      return peer;
    } catch (RuntimeException | Error e) {
      peer.closeQuietly(e);
      throw e;
    }
  }

  private void launch(String classPath, Path logDir, int count, Mode mode, int executorPoolSize) {
    String cluster = "cohort-bench-" + UUID.randomUUID();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count + (mode == Mode.MEMBER ? 1 : 0); i++) {
      ports.add(freePort());
    }
    List<String> addresses =
        ports.stream().map(port -> HazelcastConfigs.LOOPBACK + ":" + port).toList();
    List<String> memberAddresses = addresses.subList(0, count);

    List<Path> logs = new ArrayList<>();
    try {
      Files.createDirectories(logDir);
      for (int i = 0; i < count; i++) {
        Path log = logDir.resolve("hazelcast-member-" + (i + 1) + "-" + ports.get(i) + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(MEMBER_JVM_OPTIONS);
        command.addAll(
            List.of(
                "-cp",
                classPath,
                HazelcastMember.class.getName(),
                "--cluster",
                cluster,
                "--port",
                String.valueOf(ports.get(i)),
                "--members",
                String.join(",", memberAddresses),
                "--size",
                String.valueOf(count),
                "--executor-pool-size",
                String.valueOf(executorPoolSize)));
        // stdin stays a pipe from this JVM: the member ends when it closes.
        members.add(
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .start());
        logs.add(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the Hazelcast member JVMs", e);
    }
    awaitReady(logs);

    if (mode == Mode.MEMBER) {
      instance =
          Hazelcast.newHazelcastInstance(
              HazelcastConfigs.member(
                  cluster, ports.get(count), addresses, executorPoolSize, true, "slf4j"));
    } else {
      instance =
          HazelcastClient.newHazelcastClient(HazelcastConfigs.client(cluster, memberAddresses));
    }
    executor = instance.getExecutorService(HazelcastConfigs.EXECUTOR);
  }

  /** Waits until every member has printed its READY line, or fails naming the log to read. */
  private void awaitReady(List<Path> logs) {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
    for (int i = 0; i < logs.size(); i++) {
      Process member = members.get(i);
      Path log = logs.get(i);
      while (readyLine(log).isEmpty()) {
        if (!member.isAlive()) {
          throw new IllegalStateException(
              "Hazelcast member "
                  + (i + 1)
                  + " exited with code "
                  + member.exitValue()
                  + " before it was ready; see "
                  + log.toAbsolutePath());
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(
              "Hazelcast member "
                  + (i + 1)
                  + " was not ready within "
                  + READY_TIMEOUT_MILLIS / 1000
                  + " s; see "
                  + log.toAbsolutePath());
        }
        sleep(50);
      }
    }
  }

  private static Optional<String> readyLine(Path log) {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .filter(line -> line.startsWith(READY))
          .findFirst();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + log, e);
    }
  }

  /** A port that was free on 127.0.0.1 a moment ago. */
  private static int freePort() {
    try (ServerSocket socket =
        new ServerSocket(0, 1, InetAddress.getByName(HazelcastConfigs.LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("could not find a free port on 127.0.0.1", e);
    }
  }

  /**
   * Runs tasks without timing them, to let the JIT and the connections settle: {@code tasks} tasks
   * with 1,000 in flight, then up to 2,000 of them one at a time. Results are checked.
   *
   * @param tasks how many tasks to pipeline
   */
  public void warmUp(int tasks) {
    runPipelined(tasks, WARM_UP_IN_FLIGHT);
    roundTripNanos(Math.min(tasks, WARM_UP_ROUND_TRIPS));
  }

  /**
   * Runs {@code tasks} echo tasks, numbered from 0, with at most {@code inFlight} submitted but not
   * yet answered, and checks that each returned its own number.
   *
   * @param tasks how many tasks to run
   * @param inFlight the most tasks outstanding at once
   * @return tasks per second, from the first submission to the last answer
   * @throws IllegalStateException if a task failed, returned a wrong number or a result is missing
   */
  public double tasksPerSecond(int tasks, int inFlight) {
    long start = System.nanoTime();
    runPipelined(tasks, inFlight);
    long elapsed = System.nanoTime() - start;
    return tasks / (elapsed / 1e9);
  }

  private void runPipelined(int tasks, int inFlight) {
    if (tasks < 0 || inFlight < 1) {
      throw new IllegalArgumentException(
          "need tasks >= 0 and inFlight >= 1, got " + tasks + ", " + inFlight);
    }
    Semaphore permits = new Semaphore(inFlight);
    Tally tally = new Tally(tasks, permits);
    try {
      for (int i = 0; i < tasks && tally.failure.get() == null; i++) {
        if (!permits.tryAcquire(TASK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          throw new IllegalStateException("no task answered for " + TASK_TIMEOUT_SECONDS + " s");
        }
        long expected = i;
        // Hazelcast's futures are CompletionStages; each answer is tallied on the thread that
        // completes it.
        CompletionStage<?> answer = (CompletionStage<?>) executor.submit(task(expected));
        answer.whenComplete((result, error) -> tally.answer(expected, result, error));
      }
      if (tally.failure.get() == null
          && !tally.answered.await(TASK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            tally.answered.getCount()
                + " of "
                + tasks
                + " tasks unanswered after "
                + TASK_TIMEOUT_SECONDS
                + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running tasks", e);
    }
    tally.check();
  }

  /** The answers of one pipelined run: counted, summed and checked as they arrive. */
  private static final class Tally {
    private final int tasks;
    private final Semaphore permits;
    private final CountDownLatch answered;
    private final LongAdder count = new LongAdder();
    private final LongAdder sum = new LongAdder();
    private final AtomicLong wrong = new AtomicLong();
    private final AtomicReference<String> firstWrong = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Tally(int tasks, Semaphore permits) {
      this.tasks = tasks;
      this.permits = permits;
      this.answered = new CountDownLatch(tasks);
    }

    /** Records the answer of the task that was given {@code expected}, then frees its permit. */
    void answer(long expected, Object result, Throwable error) {
      if (error != null) {
        failure.compareAndSet(null, error);
      } else {
        if (!(result instanceof Long value) || value != expected) {
          wrong.incrementAndGet();
          firstWrong.compareAndSet(null, "task " + expected + " returned " + result);
        } else {
          sum.add(value);
        }
        count.increment();
      }
      permits.release();
      answered.countDown();
    }

    /** Throws unless every task answered its own number. */
    void check() {
      Throwable error = failure.get();
      if (error != null) {
        throw new IllegalStateException("a Hazelcast task failed: " + error, error);
      }
      if (wrong.get() != 0) {
        throw new IllegalStateException(
            wrong.get()
                + " of "
                + tasks
                + " tasks returned a wrong result; first: "
                + firstWrong.get());
      }
      long expectedSum = (long) tasks * (tasks - 1) / 2;
      if (count.sum() != tasks || sum.sum() != expectedSum) {
        throw new IllegalStateException(
            "expected "
                + tasks
                + " results summing to "
                + expectedSum
                + ", got "
                + count.sum()
                + " summing to "
                + sum.sum());
      }
    }
  }

  /**
   * Submits one echo task at a time, {@code calls} times, waiting for each answer before the next.
   *
   * @param calls how many tasks to run
   * @return each call's time from submission to answer, in nanoseconds, in call order
   * @throws IllegalStateException if a task failed, timed out or returned a wrong number
   */
  public long[] roundTripNanos(int calls) {
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      Long result;
      try {
        result = executor.submit(task(i)).get(TASK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for task " + i, e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("task " + i + " failed: " + e, e);
      }
      nanos[i] = System.nanoTime() - start;
      if (result == null || result != i) {
        throw new IllegalStateException("task " + i + " returned " + result);
      }
    }
    return nanos;
  }

  /** The task: Hazelcast's own serialization ({@code IdentifiedDataSerializable}), its fastest. */
  private static Echo task(long value) {
    return new Echo(value);
  }

  /** Hazelcast's version, as its build reports it, for example {@code 5.7.0}. */
  public String version() {
    return BuildInfoProvider.getBuildInfo().getVersion();
  }

  /**
   * Shuts down this JVM's client or lite member, then stops the member JVMs: SIGTERM, up to 10 s to
   * exit, then SIGKILL. Safe to call twice.
   */
  @Override
  public void close() {
    RuntimeException failure = null;
    try {
      if (instance != null) {
        instance.shutdown();
      }
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      instance = null;
      executor = null;
      stopMembers();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void closeQuietly(Throwable cause) {
    try {
      close();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private void stopMembers() {
    members.forEach(Process::destroy);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MILLIS);
    boolean interrupted = false;
    for (Process member : members) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !member.waitFor(left, TimeUnit.NANOSECONDS)) {
          member.destroyForcibly();
        }
      } catch (InterruptedException e) {
        interrupted = true;
        member.destroyForcibly();
      }
    }
    for (Process member : members) {
      if (member.isAlive()) {
        member.destroyForcibly();
        try {
          member.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    members.clear();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Hazelcast members", e);
    }
  }
}
