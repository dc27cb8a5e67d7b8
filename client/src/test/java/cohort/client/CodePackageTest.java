package cohort.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.api.code.Sha256;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodePackageTest {

  @TempDir Path dir;

  private Path classes() throws Exception {
    Path folder = dir.resolve("classes");
    Files.createDirectories(folder.resolve("com/acme/util"));
    Files.createDirectories(folder.resolve("META-INF/services"));
    Files.write(folder.resolve("com/acme/Task.class"), new byte[] {(byte) 0xca, (byte) 0xfe, 1});
    Files.write(folder.resolve("com/acme/util/Help.class"), new byte[] {(byte) 0xca, 2});
    Files.writeString(folder.resolve("META-INF/services/cohort.task.Task"), "com.acme.Task\n");
    return folder;
  }

  private static List<String> entries(Path jar) throws Exception {
    List<String> names = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      file.stream().forEach(entry -> names.add(entry.getName()));
    }
    return names;
  }

  /** Tests that packing a folder twice gives the same digest even after its files are touched. */
  @Test
  void packingAFolderIsRepeatable() throws Exception {
    Path folder = classes();
    Path scratch = dir.resolve("scratch");
    CodePackage first = CodePackage.ofFolder(folder, scratch);

    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.toList()) {
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L));
      }
    }
    CodePackage second = CodePackage.ofFolder(folder, scratch);

    assertThat(second.file()).isNotEqualTo(first.file());
    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(Sha256.of(second.file())).isEqualTo(second.digest());
    assertThat(first.name()).isEqualTo(folder.toString());
    assertThat(first.file().getParent()).isEqualTo(scratch);
  }

  /** Tests that the packed jar holds every file, sorted, by its path in the folder. */
  @Test
  void packedJarHoldsTheFolderSorted() throws Exception {
    CodePackage packed = CodePackage.ofFolder(classes(), dir.resolve("scratch"));
    assertThat(entries(packed.file()))
        .containsExactly(
            "META-INF/services/cohort.task.Task",
            "com/acme/Task.class",
            "com/acme/util/Help.class");
  }

  /** Tests that a changed class file changes the digest. */
  @Test
  void changedClassChangesDigest() throws Exception {
    Path folder = classes();
    Path scratch = dir.resolve("scratch");
    String before = CodePackage.ofFolder(folder, scratch).digest();

    Files.write(folder.resolve("com/acme/util/Help.class"), new byte[] {(byte) 0xca, 3});
    String after = CodePackage.ofFolder(folder, scratch).digest();

    assertThat(after).isNotEqualTo(before);
  }

  /** Tests that an added file changes the digest. */
  @Test
  void addedFileChangesDigest() throws Exception {
    Path folder = classes();
    Path scratch = dir.resolve("scratch");
    String before = CodePackage.ofFolder(folder, scratch).digest();

    Files.write(folder.resolve("com/acme/Extra.class"), new byte[] {1});

    assertThat(CodePackage.ofFolder(folder, scratch).digest()).isNotEqualTo(before);
  }

  /** Tests that a jar is taken as it is: its digest is the SHA-256 of the file. */
  @Test
  void jarDigestIsItsSha256() throws Exception {
    Path jar = Files.write(dir.resolve("lib.jar"), new byte[] {'P', 'K', 3, 4, 9, 9});
    CodePackage code = CodePackage.ofJar(jar);

    assertThat(code.file()).isEqualTo(jar);
    assertThat(code.digest()).isEqualTo(Sha256.of(jar));
    assertThat(code.name()).isEqualTo("lib.jar");
  }

  /** Tests that a jar that is not a file is refused. */
  @Test
  void refusesMissingJar() {
    Path missing = dir.resolve("missing.jar");
    assertThatThrownBy(() -> CodePackage.ofJar(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(missing + ": no such jar file");
  }

  /** Tests that a class from a classes folder is packed from that folder. */
  @Test
  void classFromAFolderIsPacked() throws Exception {
    Path folder = Path.of(getClass().getProtectionDomain().getCodeSource().getLocation().toURI());
    Path scratch = dir.resolve("scratch");

    CodePackage code = CodePackage.of(CodePackageTest.class, scratch);

    assertThat(folder).isDirectory();
    assertThat(code.name()).isEqualTo(folder.toString());
    assertThat(code.file().getParent()).isEqualTo(scratch);
    assertThat(entries(code.file())).contains("cohort/client/CodePackageTest.class");
    assertThat(code.digest()).isEqualTo(CodePackage.ofFolder(folder, scratch).digest());
  }

  /** Tests that a class from a jar is shipped as that jar. */
  @Test
  void classFromAJarIsThatJar() throws Exception {
    Path jar =
        Path.of(ObjectMapper.class.getProtectionDomain().getCodeSource().getLocation().toURI());

    CodePackage code = CodePackage.of(ObjectMapper.class, dir.resolve("scratch"));

    assertThat(code.file()).isEqualTo(jar);
    assertThat(code.digest()).isEqualTo(Sha256.of(jar));
    assertThat(dir.resolve("scratch")).doesNotExist();
  }

  /** Tests that a JDK class, which has no code on disk, is refused. */
  @Test
  void refusesJdkClass() {
    assertThatThrownBy(() -> CodePackage.of(String.class, dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("class java.lang.String has no code on disk to send to the nodes");
  }
}
