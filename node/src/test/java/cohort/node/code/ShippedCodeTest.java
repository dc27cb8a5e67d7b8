package cohort.node.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.code.CodeRef;
import cohort.api.code.Sha256;
import cohort.node.NodeAccess;
import cohort.task.NoParams;
import cohort.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedCodeTest {

  private static final Duration IDLE = Duration.ofMinutes(1);

  @TempDir Path dir;

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private Path cache;
  private String tasks;
  private String plain;
  private String other;
  private String third;

  private static String task(String type, String name) {
    return "package com.acme;"
        + " public class "
        + type
        + " implements cohort.task.Task<String, cohort.task.NoParams, String> {"
        + " public String name() { return \""
        + name
        + "\"; }"
        + " public String description() { return \""
        + name
        + "\"; }"
        + " public Class<String> inputType() { return String.class; }"
        + " public Class<cohort.task.NoParams> paramsType() {"
        + " return cohort.task.NoParams.class; }"
        + " public String run(String in, cohort.task.NoParams p, cohort.task.TaskContext c) {"
        + " return in + \"!"
        + name
        + "\"; } }";
  }

  /** Puts a jar in the cache under its digest, as if fetched before. */
  private String cached(TestJars jar, String name) throws IOException {
    Path file = jar.write(dir.resolve(name));
    String digest = Sha256.of(file);
    Files.copy(file, cache.resolve(digest + ".jar"));
    return digest;
  }

  @BeforeEach
  void jars() throws IOException {
    cache = Files.createDirectories(dir.resolve("cache"));
    tasks =
        cached(
            new TestJars()
                .compile(
                    dir,
                    Map.of(
                        "com.acme.Echo", task("Echo", "echo"),
                        "com.acme.Upper", task("Upper", "upper"),
                        "com.acme.NotATask", "package com.acme; public class NotATask {}"))
                .text("META-INF/services/cohort.task.Task", "com.acme.Upper\ncom.acme.Echo\n"),
            "tasks.jar");
    plain = cached(new TestJars().text("plain.txt", "plain"), "plain.jar");
    other = cached(new TestJars().text("other.txt", "other"), "other.jar");
    third = cached(new TestJars().text("third.txt", "third"), "third.jar");
  }

  private ShippedCode shipped(int max) {
    return new ShippedCode(new CodeFiles(cache, new NodeAccess()), IDLE, max, now::get);
  }

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  private static CodeRef code(String... jars) {
    return CodeRef.of(List.of(jars));
  }

  /** Tests that loading the same jars twice gives the same loaded code, whatever the taskClass. */
  @Test
  void loadingTwiceGivesTheSameCode() throws Exception {
    ShippedCode shipped = shipped(16);
    LoadedCode first = shipped.load(code(tasks));

    assertThat(shipped.load(code(tasks))).isSameAs(first);
    assertThat(shipped.load(new CodeRef(List.of(tasks), "com.acme.Echo"))).isSameAs(first);
    assertThat(shipped.loadedCount()).isEqualTo(1);
    assertThat(first.jars()).containsExactly(tasks);
    assertThat(first.closed()).isFalse();

    LoadedCode both = shipped.load(code(tasks, plain));
    assertThat(both).isNotSameAs(first);
    assertThat(shipped.loadedCount()).isEqualTo(2);
  }

  /** Tests that closeIdle closes only the code no batch ran for longer than the idle time. */
  @Test
  void closeIdleClosesOnlyIdleCode() throws Exception {
    ShippedCode shipped = shipped(16);
    LoadedCode early = shipped.load(code(tasks));
    advance(Duration.ofSeconds(30));
    LoadedCode late = shipped.load(code(plain));

    advance(Duration.ofSeconds(30).minusNanos(1));
    assertThat(shipped.closeIdle()).isEmpty();
    assertThat(early.closed()).isFalse();

    advance(Duration.ofSeconds(1));
    assertThat(shipped.closeIdle()).containsExactly(List.of(tasks));
    assertThat(early.closed()).isTrue();
    assertThat(late.closed()).isFalse();
    assertThat(shipped.loadedCount()).isEqualTo(1);

    LoadedCode again = shipped.load(code(tasks));
    assertThat(again).isNotSameAs(early);
    assertThat(again.closed()).isFalse();
  }

  /** Tests that loading code again counts as a use, so it stays loaded for another idle time. */
  @Test
  void loadingAgainKeepsCodeLoaded() throws Exception {
    ShippedCode shipped = shipped(16);
    LoadedCode code = shipped.load(code(tasks));
    advance(Duration.ofSeconds(50));
    shipped.load(code(tasks));

    advance(Duration.ofSeconds(50));
    assertThat(shipped.closeIdle()).isEmpty();
    assertThat(code.closed()).isFalse();
  }

  /** Tests that code with a running batch is not closed, and is idle from the batch's end. */
  @Test
  void codeWithARunningBatchIsNotClosed() throws Exception {
    ShippedCode shipped = shipped(16);
    LoadedCode code = shipped.load(code(tasks));
    code.begin();

    advance(Duration.ofMinutes(10));
    assertThat(shipped.closeIdle()).isEmpty();
    assertThat(code.closed()).isFalse();

    code.end();
    advance(Duration.ofSeconds(30));
    assertThat(shipped.closeIdle()).isEmpty();
    advance(Duration.ofSeconds(31));
    assertThat(shipped.closeIdle()).containsExactly(List.of(tasks));
    assertThat(code.closed()).isTrue();
  }

  /** Tests that loading beyond max closes the least recently used idle code. */
  @Test
  void loadingBeyondMaxClosesLeastRecentlyUsed() throws Exception {
    ShippedCode shipped = shipped(2);
    LoadedCode a = shipped.load(code(tasks));
    advance(Duration.ofSeconds(1));
    LoadedCode b = shipped.load(code(plain));
    advance(Duration.ofSeconds(1));
    shipped.load(code(tasks)); // a is now used more recently than b
    advance(Duration.ofSeconds(1));
    LoadedCode c = shipped.load(code(other));

    assertThat(b.closed()).isTrue();
    assertThat(a.closed()).isFalse();
    assertThat(c.closed()).isFalse();
    assertThat(shipped.loadedCount()).isEqualTo(2);
  }

  /** Tests that code in use is not closed beyond max, nor is the code just loaded. */
  @Test
  void loadingBeyondMaxSparesCodeInUseAndTheNewCode() throws Exception {
    ShippedCode shipped = shipped(1);
    LoadedCode a = shipped.load(code(tasks));
    a.begin();
    advance(Duration.ofSeconds(1));

    LoadedCode b = shipped.load(code(plain));

    assertThat(a.closed()).isFalse();
    assertThat(b.closed()).isFalse();
    assertThat(shipped.loadedCount()).isEqualTo(2);
    assertThat(b.services()).isEmpty();
  }

  /** Tests that two loads at the same instant leave the newer one open beyond max. */
  @Test
  void codeJustLoadedIsNotClosedOnATie() throws Exception {
    ShippedCode shipped = shipped(1);
    LoadedCode a = shipped.load(code(tasks));
    LoadedCode b = shipped.load(code(plain));

    assertThat(b.closed()).isFalse();
    assertThat(a.closed()).isTrue();
    assertThat(shipped.loadedCount()).isEqualTo(1);
  }

  /** Tests that closeIdle also brings the loaded sets back to max once batches end. */
  @Test
  void closeIdleClosesBeyondMaxOnceBatchesEnd() throws Exception {
    ShippedCode shipped = shipped(2);
    LoadedCode a = shipped.load(code(tasks));
    LoadedCode b = shipped.load(code(plain));
    a.begin();
    b.begin();
    advance(Duration.ofSeconds(1));
    LoadedCode c = shipped.load(code(other));
    advance(Duration.ofSeconds(1));
    b.end();
    advance(Duration.ofSeconds(1));
    a.end();

    assertThat(shipped.closeIdle()).containsExactly(List.of(other));
    assertThat(c.closed()).isTrue();
    assertThat(a.closed()).isFalse();
    assertThat(b.closed()).isFalse();
  }

  /** Tests that closeAll closes every loaded set. */
  @Test
  void closeAllClosesEverything() throws Exception {
    ShippedCode shipped = shipped(16);
    LoadedCode a = shipped.load(code(tasks));
    LoadedCode b = shipped.load(code(plain, third));

    shipped.closeAll();

    assertThat(a.closed()).isTrue();
    assertThat(b.closed()).isTrue();
    assertThat(shipped.loadedCount()).isZero();
  }

  /** Tests that a task is found by its class, made once, loaded from the jar, and runs. */
  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void findsTaskByClass() throws Exception {
    CodeRef ref = new CodeRef(List.of(tasks), "com.acme.Echo");
    LoadedCode code = shipped(16).load(ref);

    Task<?, ?, ?> task = code.task(ref, "echo");

    assertThat(task.name()).isEqualTo("echo");
    assertThat(task.getClass().getName()).isEqualTo("com.acme.Echo");
    assertThat(task.getClass().getClassLoader()).isInstanceOf(ChildFirstLoader.class);
    assertThat(code.task(ref, "echo")).isSameAs(task);
    assertThat(((Task) task).run("hi", new NoParams(), null)).isEqualTo("hi!echo");
  }

  /** Tests that a task is found by name among the services the jars list. */
  @Test
  void findsTaskByServices() throws Exception {
    CodeRef ref = code(tasks);
    LoadedCode code = shipped(16).load(ref);

    assertThat(code.services().keySet()).containsExactly("echo", "upper");
    assertThat(code.task(ref, "upper").getClass().getName()).isEqualTo("com.acme.Upper");
    assertThat(code.task(ref, "echo").getClass().getName()).isEqualTo("com.acme.Echo");
  }

  /** Tests the messages for a name the services lack, and for jars that list no services. */
  @Test
  void saysWhenTheNameIsAbsent() throws Exception {
    ShippedCode shipped = shipped(16);
    LoadedCode code = shipped.load(code(tasks));
    assertThatThrownBy(() -> code.task(code(tasks), "nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the shipped jars offer no task named 'nope'; they offer: echo, upper");

    LoadedCode none = shipped.load(code(plain));
    assertThat(none.services()).isEmpty();
    assertThatThrownBy(() -> none.task(code(plain), "echo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the shipped jars offer no task named 'echo';"
                + " they list none in META-INF/services/cohort.task.Task");
  }

  /** Tests the messages for a taskClass that is not a Task, is absent, or is another task. */
  @Test
  void saysWhenTheClassIsWrong() throws Exception {
    LoadedCode code = shipped(16).load(code(tasks));

    assertThatThrownBy(() -> code.task(new CodeRef(List.of(tasks), "com.acme.NotATask"), "echo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("class com.acme.NotATask does not implement cohort.task.Task");
    assertThatThrownBy(() -> code.task(new CodeRef(List.of(tasks), "com.acme.Missing"), "echo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "the shipped jars hold no class com.acme.Missing that loads:"
                + " java.lang.ClassNotFoundException");
    assertThatThrownBy(() -> code.task(new CodeRef(List.of(tasks), "com.acme.Echo"), "upper"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("class com.acme.Echo is the task 'echo', not 'upper'");
  }

  /** Tests that a jar whose bytes do not match its name is dropped and fetched again. */
  @Test
  void jarThatDoesNotMatchItsNameIsFetchedAgain() throws Exception {
    String digest = "0123456789abcdef".repeat(4);
    Path wrong = Files.copy(cache.resolve(plain + ".jar"), cache.resolve(digest + ".jar"));
    ShippedCode shipped = shipped(16);

    assertThatThrownBy(() -> shipped.load(code(digest)))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "jar 0123456789ab: the coordinator has not said where it serves code yet; try again");
    assertThat(wrong).doesNotExist();
    assertThat(shipped.loadedCount()).isZero();
  }

  /** Tests that a set of jars one of which cannot be had is not loaded at all. */
  @Test
  void missingJarFailsTheWholeSet() throws Exception {
    String absent = "f".repeat(64);
    ShippedCode shipped = shipped(16);

    assertThatThrownBy(() -> shipped.load(code(tasks, absent)))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "jar ffffffffffff: the coordinator has not said where it serves code yet; try again");
    assertThat(shipped.loadedCount()).isZero();
  }
}
