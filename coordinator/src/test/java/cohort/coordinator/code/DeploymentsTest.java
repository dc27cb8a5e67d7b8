package cohort.coordinator.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.ApiJson;
import cohort.api.TaskInfo;
import cohort.api.code.CodeRef;
import cohort.api.code.Deployment;
import cohort.coordinator.journal.FileReplica;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentsTest {

  private static final CodeRef ONE = CodeRef.of(List.of("1".repeat(64)));
  private static final CodeRef TWO = CodeRef.of(List.of("2".repeat(64), "3".repeat(64)));
  private static final CodeRef THREE = new CodeRef(List.of("4".repeat(64)), "com.acme.C");

  @TempDir Path dir;

  private final RecordingReplica replica = new RecordingReplica();

  private Path file() {
    return dir.resolve("code").resolve("deployments.json");
  }

  private static TaskInfo task(String name) {
    return new TaskInfo(name, "does " + name, "string", List.of(), null, null);
  }

  private static Deployment deployment(CodeRef code, String when, String... tasks) {
    return new Deployment(
        code,
        List.of(when + ".jar"),
        java.util.Arrays.stream(tasks).map(DeploymentsTest::task).toList(),
        when);
  }

  private static List<String> names(Deployment deployment) {
    return deployment.tasks().stream().map(TaskInfo::name).toList();
  }

  /** Tests that no file means no deployments. */
  @Test
  void emptyWithoutFile() {
    Deployments deployments = new Deployments(file(), replica);
    assertThat(deployments.all()).isEmpty();
    assertThat(deployments.of("a")).isEmpty();
    assertThat(file()).doesNotExist();
  }

  /** Tests that deployments are written to deployments.json, copied, and read back anew. */
  @Test
  void persistedAndReadBack() {
    Deployments deployments = new Deployments(file(), replica);
    Deployment first = deployment(ONE, "t1", "a");
    Deployment second = deployment(THREE, "t2", "c");
    deployments.add(first);
    deployments.add(second);

    assertThat(file()).isRegularFile();
    assertThat(replica.copied).containsExactly(file(), file());
    Deployments again = new Deployments(file(), FileReplica.NONE);
    assertThat(again.all()).containsExactly(first, second);
    assertThat(again.of("c")).contains(second);
    assertThat(again.all().get(1).code().taskClass()).isEqualTo("com.acme.C");
    assertThat(file().resolveSibling("deployments.json.part")).doesNotExist();
  }

  /**
   * Tests that deploying a task again takes it from the earlier deployment, which keeps the rest.
   */
  @Test
  void deployingATaskAgainReplacesIt() {
    Deployments deployments = new Deployments(file(), replica);
    deployments.add(deployment(ONE, "t1", "a", "b"));
    Deployment second = deployment(TWO, "t2", "b");
    deployments.add(second);

    assertThat(deployments.all()).hasSize(2);
    assertThat(names(deployments.all().get(0))).containsExactly("a");
    assertThat(deployments.all().get(0).code()).isEqualTo(ONE);
    assertThat(deployments.all().get(0).deployedAt()).isEqualTo("t1");
    assertThat(deployments.all().get(1)).isEqualTo(second);
    assertThat(deployments.of("b")).contains(second);
    assertThat(deployments.of("a").orElseThrow().code()).isEqualTo(ONE);
    assertThat(new Deployments(file(), replica).all()).isEqualTo(deployments.all());
  }

  /** Tests that an earlier deployment left with no tasks is dropped. */
  @Test
  void deploymentLeftWithoutTasksIsDropped() {
    Deployments deployments = new Deployments(file(), replica);
    deployments.add(deployment(ONE, "t1", "a", "b"));
    Deployment second = deployment(TWO, "t2", "b");
    deployments.add(second);
    Deployment third = deployment(THREE, "t3", "a");
    deployments.add(third);

    assertThat(deployments.all()).containsExactly(second, third);
    assertThat(deployments.of("a")).contains(third);
    assertThat(new Deployments(file(), replica).all()).containsExactly(second, third);
  }

  /** Tests that deploying the same code again replaces its earlier deployment whole. */
  @Test
  void sameCodeAgainReplacesItsDeployment() {
    Deployments deployments = new Deployments(file(), replica);
    deployments.add(deployment(ONE, "t1", "a", "b"));
    Deployment again = deployment(ONE, "t2", "a");
    deployments.add(again);

    assertThat(deployments.all()).containsExactly(again);
    assertThat(deployments.of("b")).isEmpty();
  }

  /**
   * Tests that of(name) gives the latest deployment offering the task, even in a hand-written file.
   */
  @Test
  void ofGivesTheLatest() throws Exception {
    Files.createDirectories(file().getParent());
    ApiJson.newMapper()
        .writeValue(
            file().toFile(), List.of(deployment(ONE, "t1", "a"), deployment(TWO, "t2", "a", "b")));

    Deployments deployments = new Deployments(file(), replica);
    assertThat(deployments.all()).hasSize(2);
    assertThat(deployments.of("a").orElseThrow().code()).isEqualTo(TWO);
    assertThat(deployments.of("b").orElseThrow().code()).isEqualTo(TWO);
    assertThat(deployments.of("c")).isEmpty();
  }

  /** Tests that a file that is not a list of deployments is refused naming the file. */
  @Test
  void unreadableFileIsRefused() throws Exception {
    Files.createDirectories(file().getParent());
    Files.writeString(file(), "{not json");
    Deployments deployments = new Deployments(file(), replica);

    assertThatThrownBy(deployments::all)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("cannot read the deployments in " + file() + ": ");
  }

  /** Tests that a CodeStore keeps its deployments in deployments.json in its folder. */
  @Test
  void codeStoreKeepsDeploymentsInItsFolder() {
    CodeStore store = new CodeStore(dir.resolve("code"), replica);
    Deployment first = deployment(ONE, "t1", "a");
    store.deployments().add(first);

    assertThat(new Deployments(file(), replica).all()).containsExactly(first);
  }
}
