package cohort.cli.it;

import cohort.task.Task;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Task classes the tests write and compile as they run, so that no node has them on its class path:
 * a test ships them, as a user's program would.
 */
final class TaskSources {

  private TaskSources() {}

  /**
   * Compiles {@code sources} (class name to Java source) into a fresh folder under {@code root}.
   *
   * @return the folder of classes
   */
  static Path compile(Path root, Map<String, String> sources) throws IOException {
    Path src = Files.createTempDirectory(root, "src-");
    Path classes = Files.createTempDirectory(root, "classes-");
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17"));
    args.addAll(List.of("-cp", System.getProperty("java.class.path"), "-proc:none"));
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      args.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
    int status =
        javac.run(null, OutputStream.nullOutputStream(), errors, args.toArray(String[]::new));
    if (status != 0) {
      throw new AssertionError(
          "the test's task did not compile: " + errors.toString(StandardCharsets.UTF_8));
    }
    return classes;
  }

  /** A jar of a classes folder, with the services file naming {@code tasks}. */
  static Path jar(Path classes, Path jar, String... tasks) throws IOException {
    return jar(classes, jar, Map.of(), tasks);
  }

  /** As {@link #jar(Path, Path, String...)}, with more files: path in the jar to text. */
  static Path jar(Path classes, Path jar, Map<String, String> more, String... tasks)
      throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        zip.putNextEntry(new ZipEntry(classes.relativize(file).toString()));
        Files.copy(file, zip);
        zip.closeEntry();
      }
      for (Map.Entry<String, String> file : more.entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
      zip.putNextEntry(new ZipEntry("META-INF/services/cohort.task.Task"));
      zip.write((String.join("\n", tasks) + "\n").getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return jar;
  }

  /** An instance of a compiled task, loaded from its folder as a program would have it. */
  @SuppressWarnings("unchecked")
  static <I, O> Task<I, ?, O> load(Path classes, String className) throws Exception {
    URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, TaskSources.class.getClassLoader());
    return (Task<I, ?, O>) loader.loadClass(className).getConstructor().newInstance();
  }

  /**
   * The source of a task named {@code name} in class {@code pkg.cls}: {@code String} inputs, {@code
   * String} outputs made by {@code body}, an expression over {@code input} and {@code context}.
   */
  static String task(String pkg, String cls, String name, String body) {
    return "package "
        + pkg
        + ";\n"
        + "public class "
        + cls
        + " implements cohort.task.Task<String, cohort.task.NoParams, String> {\n"
        + "  public String name() { return \""
        + name
        + "\"; }\n"
        + "  public String description() { return \"a task the test compiled\"; }\n"
        + "  public Class<String> inputType() { return String.class; }\n"
        + "  public Class<cohort.task.NoParams> paramsType() { return cohort.task.NoParams.class;"
        + " }\n"
        + "  public String run(String input, cohort.task.NoParams params, cohort.task.TaskContext"
        + " context) throws Exception {\n"
        + "    return "
        + body
        + ";\n  }\n"
        + "  static String fail(String input) {\n"
        + "    throw new IllegalStateException(\"no bad words\");\n  }\n"
        + "  static String pause(long millis) throws InterruptedException {\n"
        + "    Thread.sleep(millis);\n    return \"\";\n  }\n}\n";
  }
}
