package cohort.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.client.Credentials;
import cohort.pool.Cohort;
import cohort.task.Task;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fifty versions of a task shipped one after another to one node leave its loaded classes and
 * Metaspace bounded: the node keeps at most {@code cohort.node.shipped-code-max} (16) sets of jars
 * loaded, and closes the others so their classes unload. Measured in the node's JVM with the JDK's
 * own tools ({@code jcmd}, {@code jstat}) after a full GC, not timed.
 */
class ShippedCodeMemoryIT {

  @RegisterExtension static final ClusterExtension CLUSTER = new ClusterExtension(1, false);

  /** Helper classes each version loads besides its task, so a leak would show clearly. */
  private static final int HELPERS = 40;

  private static final int DEPLOYMENTS = 50;

  @TempDir static Path work;

  /** Tests that 50 deployments in a row leave the node's classes and Metaspace bounded. */
  @Test
  @Timeout(300)
  void fiftyDeploymentsLeaveClassesAndMetaspaceBounded() throws Exception {
    Path classes = TaskSources.compile(work, Map.of("shipped.mem.Versioned", source()));
    long pid = CLUSTER.cluster().nodes().get(0).pid();
    long[] after20 = null;
    try (Cohort cohort =
        Cohort.connect(
            URI.create(CLUSTER.cluster().url()), Credentials.of(CLUSTER.cluster().token()))) {
      for (int version = 1; version <= DEPLOYMENTS; version++) {
        Path jar = versionJar(classes, version);
        Task<String, ?, String> task = load(jar);
        assertThat(cohort.map(task, List.of("a", "b")))
            .containsExactly("v" + version, "v" + version);
        if (version == 20) {
          after20 = measure(pid);
        }
      }
    }
    long[] after50 = measure(pid);
    System.out.printf(
        "node after 20 / 50 versions: %d / %d live classes, %d / %d KiB Metaspace used,"
            + " %d / %d shipped class loaders%n",
        after20[0], after50[0], after20[1], after50[1], after20[2], after50[2]);
    // A leak keeps every version's 41 classes: each version kept adds 41 live classes.
    assertThat(after50[0] - after20[0]).as("live classes added").isLessThan(200);
    assertThat(after50[1] - after20[1]).as("Metaspace growth in KiB").isLessThan(2048);
    assertThat(after50[2]).as("shipped class loaders alive").isLessThanOrEqualTo(17);
  }

  private static String source() {
    StringBuilder helpers = new StringBuilder();
    StringBuilder touch = new StringBuilder();
    for (int i = 0; i < HELPERS; i++) {
      helpers
          .append("  public static final class H")
          .append(i)
          .append(" { static int f(int x) { return x * ")
          .append(i + 3)
          .append(" + 1; } }\n");
      touch.append("    sum += H").append(i).append(".f(sum);\n");
    }
    return "package shipped.mem;\n"
        + "public class Versioned implements cohort.task.Task<String, cohort.task.NoParams,"
        + " String> {\n"
        + helpers
        + "  public String name() { return \"versioned-memory\"; }\n"
        + "  public String description() { return \"a task shipped in many versions\"; }\n"
        + "  public Class<String> inputType() { return String.class; }\n"
        + "  public Class<cohort.task.NoParams> paramsType() { return cohort.task.NoParams.class;"
        + " }\n"
        + "  public String run(String input, cohort.task.NoParams p, cohort.task.TaskContext c)"
        + " throws Exception {\n"
        + "    int sum = input.length();\n"
        + touch
        + "    try (java.io.InputStream in = Versioned.class.getResourceAsStream(\"/version.txt\"))"
        + " {\n"
        + "      return \"v\" + new String(in.readAllBytes(),"
        + " java.nio.charset.StandardCharsets.UTF_8) + (sum == 0 ? \"!\" : \"\");\n"
        + "    }\n"
        + "  }\n"
        + "}\n";
  }

  /** The classes with a version of their own: a jar with another digest each time. */
  private static Path versionJar(Path classes, int version) throws IOException {
    return TaskSources.jar(
        classes,
        work.resolve("versioned-" + version + ".jar"),
        Map.of("version.txt", Integer.toString(version)));
  }

  @SuppressWarnings("unchecked")
  private static Task<String, ?, String> load(Path jar) throws Exception {
    URLClassLoader loader =
        new URLClassLoader(
            new URL[] {jar.toUri().toURL()}, ShippedCodeMemoryIT.class.getClassLoader());
    return (Task<String, ?, String>)
        loader.loadClass("shipped.mem.Versioned").getConstructor().newInstance();
  }

  /** Live classes, Metaspace used (KiB) and shipped class loaders of the node, after a full GC. */
  private static long[] measure(long pid) throws Exception {
    jdkTool("jcmd", Long.toString(pid), "GC.run");
    jdkTool("jcmd", Long.toString(pid), "GC.run");
    List<String> classStats = jdkTool("jstat", "-class", Long.toString(pid));
    String[] header = classStats.get(0).trim().split("\\s+");
    String[] values = classStats.get(1).trim().split("\\s+");
    long loaded = Long.parseLong(values[indexOf(header, "Loaded")]);
    long unloaded = Long.parseLong(values[indexOf(header, "Unloaded")]);
    List<String> gc = jdkTool("jstat", "-gc", Long.toString(pid));
    String[] gcHeader = gc.get(0).trim().split("\\s+");
    String[] gcValues = gc.get(1).trim().split("\\s+");
    long metaspace = Math.round(Double.parseDouble(gcValues[indexOf(gcHeader, "MU")]));
    long loaders =
        jdkTool("jcmd", Long.toString(pid), "VM.classloaders").stream()
            .filter(line -> line.contains("cohort-shipped-"))
            .count();
    return new long[] {loaded - unloaded, metaspace, loaders};
  }

  private static int indexOf(String[] header, String column) {
    for (int i = 0; i < header.length; i++) {
      if (header[i].equals(column)) {
        return i;
      }
    }
    throw new AssertionError("no column " + column + " in " + String.join(" ", header));
  }

  /** Runs a tool of the JDK that runs the tests, and returns its output lines. */
  private static List<String> jdkTool(String tool, String... args) throws Exception {
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    List<String> command = new ArrayList<>();
    command.add(java.resolveSibling(tool).toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError(tool + " " + String.join(" ", args) + " failed: " + out);
    }
    return out.lines().toList();
  }
}
