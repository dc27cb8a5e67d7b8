package cohort.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.CodeSource;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A jar of code to ship to the nodes, named by the SHA-256 of its bytes: a jar file as it is, or a
 * classes folder (a build's output during development) packed into a jar the same way every time,
 * so the same classes always have the same digest and travel once.
 *
 * @param file the jar
 * @param digest its SHA-256 in lower-case hex
 * @param name what people know it as: the jar's file name, or the folder's path
 */
public record CodePackage(Path file, String digest, String name) {

  /** Time stamp of every entry of a packed folder, so packing is repeatable. */
  private static final FileTime PACKED_AT = FileTime.fromMillis(315_532_800_000L); // 1980-01-01

  /**
   * The jar file as it is.
   *
   * @throws IllegalArgumentException when it is not a readable file
   */
  public static CodePackage ofJar(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(jar + ": no such jar file");
    }
    try {
      return new CodePackage(jar, sha256(jar), jar.getFileName().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar + ": " + e.getMessage(), e);
    }
  }

  /**
   * The code a class comes from: its jar, or its classes folder packed into a jar in {@code
   * scratch}.
   *
   * @throws IllegalArgumentException when the class has no code on disk (made at run time, or from
   *     the JDK)
   */
  public static CodePackage of(Class<?> type, Path scratch) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new IllegalArgumentException(
          "class " + type.getName() + " has no code on disk to send to the nodes");
    }
    Path where;
    try {
      where = Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "class " + type.getName() + " comes from " + source.getLocation() + ", not a file");
    }
    return Files.isDirectory(where) ? ofFolder(where, scratch) : ofJar(where);
  }

  /** A classes folder packed into a jar in {@code scratch}, entries sorted, times fixed. */
  public static CodePackage ofFolder(Path folder, Path scratch) {
    try {
      Files.createDirectories(scratch);
      Path jar = Files.createTempFile(scratch, "classes-", ".jar");
      jar.toFile().deleteOnExit();
      List<Path> files;
      try (Stream<Path> walk = Files.walk(folder)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
        for (Path file : files) {
          ZipEntry entry = new ZipEntry(folder.relativize(file).toString().replace('\\', '/'));
          entry.setLastModifiedTime(PACKED_AT);
          zip.putNextEntry(entry);
          Files.copy(file, zip);
          zip.closeEntry();
        }
      }
      return new CodePackage(jar, sha256(jar), folder.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pack " + folder + ": " + e.getMessage(), e);
    }
  }

  /** The SHA-256 of a file, in lower-case hex, as {@code sha256sum} prints it. */
  public static String sha256(Path file) throws IOException {
    return cohort.api.code.Sha256.of(file);
  }
}
