package cohort.netlab;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.api.ClusterStatus;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.client.CohortClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** What the lab's system tests share: the skip rule, folders, and waits on a cluster. */
final class LabTests {

  private LabTests() {}

  /**
   * Skips the calling test class when no lab can be made here, saying why on stderr and in the test
   * report: a skip, never a pass.
   */
  static void assumeLab() {
    var why = Lab.unavailable();
    why.ifPresent(reason -> System.err.println("netlab: skipping the network tests: " + reason));
    Assumptions.assumeTrue(why.isEmpty(), () -> "no network lab here: " + why.orElse(""));
  }

  /** The members' class path: the shaded jar, and this module's test tasks. */
  static String classPath() {
    return System.getProperty("cohort.jar")
        + java.io.File.pathSeparator
        + System.getProperty("cohort.test.classes");
  }

  /** A fresh folder for one test class's cluster: CA, data, logs. */
  static Path dir(Class<?> test) {
    try {
      Path dir = Path.of(System.getProperty("cohort.it.logs"), test.getSimpleName());
      if (Files.exists(dir)) {
        try (Stream<Path> old = Files.walk(dir)) {
          for (Path path : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare the test's folder: " + e.getMessage(), e);
    }
  }

  /** Prints the last lines of every member's log, for a failed test. */
  static void printLogs(Path logs) {
    try (Stream<Path> files = Files.list(logs)) {
      for (Path file : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(file);
        System.err.println("----- " + file + " (last 120 of " + lines.size() + " lines) -----");
        lines.subList(Math.max(0, lines.size() - 120), lines.size()).forEach(System.err::println);
      }
    } catch (IOException e) {
      System.err.println("cannot read the members' logs in " + logs + ": " + e.getMessage());
    }
  }

  /**
   * Polls the cluster until the condition holds; a coordinator cut off from this client answers
   * nothing meanwhile, which is waited out too.
   */
  static ClusterStatus awaitCluster(
      CohortClient client, Predicate<ClusterStatus> condition, Duration timeout, String what) {
    return poll(client::cluster, condition, timeout, "timed out waiting for " + what);
  }

  /**
   * Asks {@code ask} every 100 ms until its answer satisfies the condition; an asking that fails (a
   * coordinator cut off or restarting) is waited out too.
   */
  private static <T> T poll(
      java.util.function.Supplier<T> ask, Predicate<T> condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object last = null;
    while (System.nanoTime() < deadline) {
      try {
        T answer = ask.get();
        if (condition.test(answer)) {
          return answer;
        }
        last = answer;
      } catch (RuntimeException e) {
        last = e.getMessage();
      }
      pause(100);
    }
    throw new AssertionError(what + "; last seen: " + last);
  }

  /** Waits until the file (a member's log) holds the text. */
  static void awaitLogLine(Path file, String text, Duration timeout) {
    poll(
        () -> {
          try {
            return java.nio.file.Files.readString(file);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        content -> content.contains(text),
        timeout,
        "no line with '" + text + "' in " + file);
  }

  /** Waits until {@code count} nodes are UP. */
  static void awaitNodesUp(CohortClient client, int count) {
    awaitCluster(
        client,
        status -> status.nodes().stream().filter(n -> n.status().equals("UP")).count() == count,
        Duration.ofSeconds(90),
        count + " nodes up");
  }

  /** Polls a job until its status satisfies the condition, riding out a coordinator cut off. */
  static JobStatus awaitJob(
      CohortClient client, String id, Predicate<JobStatus> condition, Duration timeout) {
    return poll(
        () -> client.status(id), condition, timeout, "job " + id + " did not get there in time");
  }

  /** Waits until a job has ended, and returns its final status. */
  static JobStatus awaitEnd(CohortClient client, String id) {
    return awaitJob(
        client,
        id,
        s -> s.state() != JobStatus.State.PENDING && s.state() != JobStatus.State.RUNNING,
        Duration.ofMinutes(3));
  }

  /** Every result of a job, after it ended. */
  static List<Result> results(CohortClient client, String id) {
    try (Stream<Result> results = client.results(id)) {
      return results.toList();
    }
  }

  /** Asserts one successful result per input index, no index twice, none missing. */
  static void assertExactlyOnce(List<Result> results, int total) {
    Set<Long> seen = new HashSet<>();
    for (Result result : results) {
      assertThat(seen.add(result.index())).as("index %d once", result.index()).isTrue();
      assertThat(result.error()).as("index %d has no error", result.index()).isNull();
    }
    assertThat(seen).as("every index").hasSize(total);
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
