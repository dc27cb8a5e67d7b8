package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.cli.local.JvmProcess;
import cohort.client.Credentials;
import cohort.pool.Cohort;
import cohort.pool.JobHandle;
import cohort.pool.Options;
import cohort.pool.Outcome;
import cohort.pool.Results;
import cohort.pool.TaskFailedException;
import cohort.task.Task;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API ({@link Cohort}) against a real cluster, with tasks the test compiles as it runs: no
 * node has them, so their code travels with the jobs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShippedCodeIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(2, false);

  @TempDir static Path work;
  private static Cohort cohort;

  @BeforeAll
  static void connect() throws Exception {
    cohort =
        Cohort.connect(
            URI.create(CLUSTER.cluster().url()), Credentials.of(CLUSTER.cluster().token()));
  }

  @AfterAll
  static void close() {
    if (cohort != null) {
      cohort.close();
    }
  }

  private static Task<String, ?, String> compiled(String pkg, String name, String body)
      throws Exception {
    Path classes =
        TaskSources.compile(
            work, Map.of(pkg + ".Shipped", TaskSources.task(pkg, "Shipped", name, body)));
    return TaskSources.load(classes, pkg + ".Shipped");
  }

  /** Tests that a task no node has runs through map, imapUnordered and submit. */
  @Test
  @Order(1)
  @Timeout(120)
  void aTaskNoNodeHasRunsThroughMapImapAndSubmit() throws Exception {
    Jobs.ensureNodes(CLUSTER.cluster(), CLUSTER.client(), 2);
    Task<String, ?, String> upper = compiled("shipped.upper", "upper", "input.toUpperCase()");

    assertThat(cohort.map(upper, List.of("a", "bb", "ccc"))).containsExactly("A", "BB", "CCC");

    List<String> inputs = IntStream.range(0, 500).mapToObj(i -> "w" + i).toList();
    Set<String> seen = new HashSet<>();
    try (Results<String> results =
        cohort.imapUnordered(upper, inputs.iterator(), Options.defaults().batch(7))) {
      results.forEachRemaining(seen::add);
    }
    assertThat(seen).hasSize(500).contains("W0", "W499");

    assertThat(cohort.submit(upper, "one").get()).isEqualTo("ONE");
  }

  /** Tests that imap streams its inputs lazily from an iterator and keeps their order. */
  @Test
  @Order(2)
  @Timeout(120)
  void imapKeepsInputOrderOverAStreamedIterator() throws Exception {
    Task<String, ?, String> twice = compiled("shipped.twice", "twice", "input + input");
    int count = 12_000; // more than a job's request carries (Cohort.INLINE_INPUTS): streamed
    List<String> out = new ArrayList<>();
    try (Results<String> results =
        cohort.imap(
            twice,
            IntStream.range(0, count).mapToObj(Integer::toString).iterator(),
            Options.defaults())) {
      results.forEachRemaining(out::add);
    }
    assertThat(out).hasSize(count);
    assertThat(out.get(0)).isEqualTo("00");
    assertThat(out.get(count - 1)).isEqualTo((count - 1) + "" + (count - 1));
  }

  /**
   * Tests that two versions of one task name, in two jobs at once, each return their own answer.
   */
  @Test
  @Order(3)
  @Timeout(120)
  void twoVersionsOfOneTaskRunSideBySide() throws Exception {
    Task<String, ?, String> v1 =
        compiled("shipped.versioned", "versioned", "\"v1:\" + input + pause(2)");
    Task<String, ?, String> v2 = compiled("shipped.versioned", "versioned", "\"v2:\" + input");
    assertThat(v1.getClass()).isNotEqualTo(v2.getClass());
    List<String> inputs = IntStream.range(0, 300).mapToObj(Integer::toString).toList();
    Options small = Options.defaults().batch(5);
    JobHandle<String> first = cohort.mapAsync(v1, inputs, small);
    JobHandle<String> second = cohort.mapAsync(v2, inputs, small);
    List<String> one = first.get();
    List<String> two = second.get();
    assertThat(one).hasSize(300).allMatch(s -> s.startsWith("v1:"));
    assertThat(two).hasSize(300).allMatch(s -> s.startsWith("v2:"));
    assertThat(one.get(299)).isEqualTo("v1:299");
  }

  /** Tests that an exception in shipped code reaches the caller with its type, node and trace. */
  @Test
  @Order(4)
  @Timeout(120)
  void anExceptionInShippedCodeReachesTheCaller() throws Exception {
    Task<String, ?, String> picky =
        compiled("shipped.picky", "picky", "input.equals(\"bad\") ? Shipped.fail(input) : input");
    assertThatThrownBy(() -> cohort.map(picky, List.of("ok", "bad", "fine")))
        .isInstanceOf(TaskFailedException.class)
        .satisfies(
            thrown -> {
              TaskFailedException failure = (TaskFailedException) thrown;
              assertThat(failure.index()).isEqualTo(1);
              assertThat(failure.remoteType()).isEqualTo("java.lang.IllegalStateException");
              assertThat(failure.remoteMessage()).isEqualTo("no bad words");
              assertThat(failure.node()).isNotBlank();
              assertThat(failure.remoteTrace()).contains("shipped.picky.Shipped.fail");
              assertThat(failure.getCause().getMessage()).contains("shipped.picky.Shipped");
            });
    List<Outcome<String>> outcomes;
    try (Results<String> results =
        cohort.imap(picky, List.of("ok", "bad", "fine").iterator(), Options.defaults())) {
      outcomes = results.outcomes().toList();
    }
    assertThat(outcomes).extracting(Outcome::ok).containsExactly(true, false, true);
    assertThat(outcomes.get(2).get()).isEqualTo("fine");
  }

  /** Tests that a node that joins after the code was shipped fetches it and runs it. */
  @Test
  @Order(5)
  @Timeout(180)
  void aNodeThatJoinsLaterRunsShippedCode() throws Exception {
    Task<String, ?, String> where = compiled("shipped.where", "where-am-i", "context.node()");
    Set<String> before = new HashSet<>(cohort.map(where, List.of("a", "b", "c", "d")));
    JvmProcess late = CLUSTER.cluster().launchNode(1);
    late.awaitReady(Duration.ofSeconds(60));
    for (JvmProcess node : CLUSTER.cluster().nodes()) {
      if (node != late) {
        node.kill();
      }
    }
    // On a loaded machine the coordinator may remove a node that missed its heartbeats; it then
    // joins again at a new address and prints its ready line again: the late node is the
    // cluster's only node, at its latest address.
    Jobs.awaitCluster(
        CLUSTER.client(),
        status ->
            status.nodes().size() == 1
                && status.nodes().get(0).address().equals(late.readiness().get().get("node")),
        Duration.ofSeconds(60),
        "the killed nodes to be gone and the late node to be the only one");
    List<String> after = cohort.map(where, List.of("e", "f", "g"));
    String lateAddress = late.readiness().get().get("node");
    assertThat(after).containsOnly(lateAddress);
    assertThat(before).doesNotContain(lateAddress);
  }
}
