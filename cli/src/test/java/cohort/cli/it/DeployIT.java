package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code from the command line: {@code cohort submit --jar} for one job, {@code cohort deploy} for
 * every job after, kept across a coordinator restart, and {@code cohort tasks} saying where each
 * task comes from. The task is compiled by the test: no node has it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(1, false);

  @TempDir static Path work;

  private static Path shout;

  @BeforeAll
  static void buildJar() throws Exception {
    Path classes =
        TaskSources.compile(
            work,
            Map.of(
                "shipped.cli.Shout",
                TaskSources.task("shipped.cli", "Shout", "shout", "input.toUpperCase() + \"!\"")));
    shout = TaskSources.jar(classes, work.resolve("shout.jar"), "shipped.cli.Shout");
  }

  private static String url() {
    return CLUSTER.cluster().url();
  }

  /** Tests that submit --jar runs a task from a jar no node has, for that job. */
  @Test
  @Order(1)
  @Timeout(120)
  void submitWithAJarRunsItsTask() {
    Cli.Run run =
        Cli.run(
            "submit",
            "shout",
            "a",
            "b",
            "--jar",
            shout.toString(),
            "--output",
            "value",
            "--coordinator",
            url());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).containsExactly("\"A!\"", "\"B!\"");

    Cli.Run without = Cli.run("submit", "shout", "c", "--coordinator", url());
    assertThat(without.exitCode()).isEqualTo(2);
    assertThat(without.stderr()).contains("unknown task 'shout'");
  }

  /** Tests that a deployed task runs by name, is listed with its origin, and outlives a restart. */
  @Test
  @Order(2)
  @Timeout(180)
  void aDeployedTaskRunsByNameAndOutlivesARestart() throws Exception {
    Cli.Run deploy = Cli.run("deploy", shout.toString(), "--coordinator", url());
    assertThat(deploy.exitCode()).as(deploy.stderr()).isZero();
    assertThat(deploy.stdout().get(0)).startsWith("deployed shout.jar (");
    assertThat(String.join("\n", deploy.stdout())).contains("shout", "a task the test compiled");

    Cli.Run tasks = Cli.run("tasks", "--coordinator", url());
    assertThat(String.join("\n", tasks.stdout()))
        .contains("from: deployed shout.jar (")
        .contains("from: built-in");

    Cli.Run run = Cli.run("submit", "shout", "x", "--output", "value", "--coordinator", url());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).containsExactly("\"X!\"");

    CLUSTER.cluster().coordinator().terminate();
    assertThat(CLUSTER.cluster().coordinator().waitFor(Duration.ofSeconds(60))).contains(0);
    String again = CLUSTER.cluster().restartCoordinator();
    Jobs.awaitCluster(
        CLUSTER.client(), status -> status.nodes().size() == 1, Duration.ofSeconds(60), "the node");
    Cli.Run after = Cli.run("submit", "shout", "y", "--output", "value", "--coordinator", again);
    assertThat(after.exitCode()).as(after.stderr()).isZero();
    assertThat(after.stdout()).containsExactly("\"Y!\"");
  }

  /** Tests that a deployment that clashes with an installed task or lists none is refused. */
  @Test
  @Order(3)
  @Timeout(120)
  void aBadDeploymentIsRefusedWithAReason() throws Exception {
    Path classes =
        TaskSources.compile(
            work,
            Map.of(
                "shipped.clash.Echo", TaskSources.task("shipped.clash", "Echo", "echo", "input")));
    Path clash = TaskSources.jar(classes, work.resolve("clash.jar"), "shipped.clash.Echo");
    Cli.Run refused = Cli.run("deploy", clash.toString(), "--coordinator", url());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.stderr()).contains("task 'echo' is installed on the nodes already");

    Path empty = TaskSources.jar(classes, work.resolve("none.jar"));
    Cli.Run none = Cli.run("deploy", empty.toString(), "--coordinator", url());
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.stderr()).contains("list no task");

    Cli.Run missing =
        Cli.run("deploy", work.resolve("nothing.jar").toString(), "--coordinator", url());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr()).contains("nothing.jar: no such jar file");
  }
}
