package cohort.node.code;

import cohort.task.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Small jars for tests: classes compiled from source, and copies of existing class files. */
final class TestJars {

  private final Map<String, byte[]> entries = new LinkedHashMap<>();

  /** Compiles {@code sources} (class name to source) against the task SPI into this jar. */
  TestJars compile(Path work, Map<String, String> sources) {
    try {
      Path src = Files.createTempDirectory(work, "src");
      Path out = Files.createTempDirectory(work, "classes");
      List<String> args = new ArrayList<>();
      args.add("-d");
      args.add(out.toString());
      args.add("-classpath");
      args.add(location(Task.class).toString());
      for (Map.Entry<String, String> source : sources.entrySet()) {
        Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source.getValue());
        args.add(file.toString());
      }
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      ByteArrayOutputStream errors = new ByteArrayOutputStream();
      if (javac.run(null, null, errors, args.toArray(String[]::new)) != 0) {
        throw new IllegalStateException("javac failed: " + errors);
      }
      try (Stream<Path> files = Files.walk(out)) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          entries.put(out.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
        }
      }
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds a copy of an existing class's bytes, under its own name. */
  TestJars copyOf(Class<?> type) {
    String name = type.getName().replace('.', '/') + ".class";
    try (InputStream in = ClassLoader.getSystemResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no bytes for " + name);
      }
      entries.put(name, in.readAllBytes());
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds a text file. */
  TestJars text(String name, String text) {
    entries.put(name, text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Writes the jar. */
  Path write(Path jar) {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(entry.getKey()));
        zip.write(entry.getValue());
        zip.closeEntry();
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where a class's code is on disk: its jar or classes folder. */
  static Path location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
