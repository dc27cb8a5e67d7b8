package cohort.node.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.task.Task;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildFirstLoaderTest {

  @TempDir Path dir;

  private static String version(String value) {
    return "package com.acme; public class Version {"
        + " public static String value() { return \""
        + value
        + "\"; } }";
  }

  private static URL[] urls(Path jar) throws Exception {
    return new URL[] {jar.toUri().toURL()};
  }

  private static String read(URL url) throws Exception {
    try (var in = url.openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Tests that a class both in the parent and in the jar comes from the jar. */
  @Test
  void jarClassWinsOverParent() throws Exception {
    Path parentJar =
        new TestJars()
            .compile(
                dir,
                Map.of(
                    "com.acme.Version",
                    version("parent"),
                    "com.acme.OnlyParent",
                    "package com.acme; public class OnlyParent {}"))
            .write(dir.resolve("parent.jar"));
    Path childJar =
        new TestJars()
            .compile(dir, Map.of("com.acme.Version", version("child")))
            .write(dir.resolve("child.jar"));

    try (URLClassLoader parent =
            new URLClassLoader(urls(parentJar), ClassLoader.getPlatformClassLoader());
        ChildFirstLoader child = new ChildFirstLoader("test", urls(childJar), parent)) {
      Class<?> version = child.loadClass("com.acme.Version");

      assertThat(version.getClassLoader()).isSameAs(child);
      assertThat(version.getMethod("value").invoke(null)).isEqualTo("child");
      assertThat(parent.loadClass("com.acme.Version").getMethod("value").invoke(null))
          .isEqualTo("parent");
      assertThat(child.loadClass("com.acme.Version")).isSameAs(version);
      assertThat(child.loadClass("com.acme.OnlyParent").getClassLoader()).isSameAs(parent);
      assertThatThrownBy(() -> child.loadClass("com.acme.Nowhere"))
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  /** Tests that java.*, javax.*, cohort.task.* and Jackson's annotations come from the parent. */
  @Test
  void sharedPackagesComeFromTheParentEvenWhenTheJarHasThem() throws Exception {
    Path jar =
        new TestJars()
            .copyOf(String.class)
            .copyOf(ToolProvider.class)
            .copyOf(Task.class)
            .copyOf(JsonProperty.class)
            .write(dir.resolve("copies.jar"));
    ClassLoader parent = getClass().getClassLoader();

    try (ChildFirstLoader child = new ChildFirstLoader("test", urls(jar), parent)) {
      assertThat(child.loadClass("java.lang.String")).isSameAs(String.class);
      assertThat(child.loadClass("javax.tools.ToolProvider")).isSameAs(ToolProvider.class);
      assertThat(child.loadClass("cohort.task.Task")).isSameAs(Task.class);
      assertThat(child.loadClass("com.fasterxml.jackson.annotation.JsonProperty"))
          .isSameAs(JsonProperty.class);
    }
  }

  /** Tests that a Jackson class outside its annotations package is taken from the jar. */
  @Test
  void otherJacksonClassesComeFromTheJar() throws Exception {
    Path jar = new TestJars().copyOf(JsonSerialize.class).write(dir.resolve("databind.jar"));

    try (ChildFirstLoader child =
        new ChildFirstLoader("test", urls(jar), getClass().getClassLoader())) {
      Class<?> copy = child.loadClass(JsonSerialize.class.getName());
      assertThat(copy).isNotSameAs(JsonSerialize.class);
      assertThat(copy.getClassLoader()).isSameAs(child);
    }
  }

  /** Tests that a task in the jar implements the parent's Task even when the jar has a copy. */
  @Test
  void jarTaskImplementsTheNodesTask() throws Exception {
    String echo =
        "package com.acme; public class Echo implements cohort.task.Task<String,"
            + " cohort.task.NoParams, String> { public String name() { return \"echo\"; } public"
            + " String description() { return \"echo\"; } public Class<String> inputType() { return"
            + " String.class; } public Class<cohort.task.NoParams> paramsType() { return"
            + " cohort.task.NoParams.class; } public String run(String in, cohort.task.NoParams p,"
            + " cohort.task.TaskContext c) { return in; } }";
    Path jar =
        new TestJars()
            .compile(dir, Map.of("com.acme.Echo", echo))
            .copyOf(Task.class)
            .write(dir.resolve("echo.jar"));

    try (ChildFirstLoader child =
        new ChildFirstLoader("test", urls(jar), getClass().getClassLoader())) {
      Class<?> type = child.loadClass("com.acme.Echo");
      assertThat(type.getClassLoader()).isSameAs(child);
      assertThat(Task.class.isAssignableFrom(type)).isTrue();
      Task<?, ?, ?> task = (Task<?, ?, ?>) type.getConstructor().newInstance();
      assertThat(task.name()).isEqualTo("echo");
    }
  }

  /** Tests that resources come from the jar first, except those of shared packages. */
  @Test
  void resourcesComeFromTheJarFirst() throws Exception {
    Path parentJar = new TestJars().text("config.txt", "parent").write(dir.resolve("parent.jar"));
    Path childJar =
        new TestJars()
            .text("config.txt", "child")
            .copyOf(Task.class)
            .write(dir.resolve("child.jar"));

    try (URLClassLoader parent = new URLClassLoader(urls(parentJar), getClass().getClassLoader());
        ChildFirstLoader child = new ChildFirstLoader("test", urls(childJar), parent)) {
      assertThat(read(child.getResource("config.txt"))).isEqualTo("child");
      List<URL> all = Collections.list(child.getResources("config.txt"));
      assertThat(all).hasSize(2);
      assertThat(read(all.get(0))).isEqualTo("child");
      assertThat(read(all.get(1))).isEqualTo("parent");

      URL task = child.getResource("cohort/task/Task.class");
      assertThat(task).isEqualTo(getClass().getClassLoader().getResource("cohort/task/Task.class"));
      assertThat(task.toString()).doesNotContain("child.jar");
    }
  }

  /** Tests which class names count as shared with the node. */
  @Test
  void sharedNames() {
    assertThat(ChildFirstLoader.shared("java.util.List")).isTrue();
    assertThat(ChildFirstLoader.shared("javax.tools.ToolProvider")).isTrue();
    assertThat(ChildFirstLoader.shared("cohort.task.Task")).isTrue();
    assertThat(ChildFirstLoader.shared("com.fasterxml.jackson.annotation.JsonProperty")).isTrue();
    assertThat(ChildFirstLoader.shared("com.fasterxml.jackson.databind.ObjectMapper")).isFalse();
    assertThat(ChildFirstLoader.shared("cohort.node.Worker")).isFalse();
    assertThat(ChildFirstLoader.shared("cohort.tasks.Mine")).isFalse();
    assertThat(ChildFirstLoader.shared("javafoo.Bar")).isFalse();
    assertThat(ChildFirstLoader.shared("com.acme.Version")).isFalse();
  }
}
