package cohort.api.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {

  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  /** Tests the known vector for "abc" when read from a file. */
  @Test
  void digestsAFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("abc.txt"), "abc");
    assertThat(Sha256.of(file)).isEqualTo(ABC);
  }

  /** Tests the known vectors for "abc" and for no bytes when fed to a digest by hand. */
  @Test
  void hexOfAFedDigest() {
    MessageDigest digest = Sha256.newDigest();
    digest.update("abc".getBytes(StandardCharsets.US_ASCII));
    assertThat(Sha256.hex(digest)).isEqualTo(ABC);
    assertThat(Sha256.hex(Sha256.newDigest()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  /** Tests that what Sha256 gives is a digest CodeRef takes. */
  @Test
  void digestsAreWhatCodeRefTakes(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("bytes"), new byte[] {0, 1, 2, (byte) 0xff});
    String digest = Sha256.of(file);
    assertThat(CodeRef.checkDigest(digest)).isEqualTo(digest);
  }
}
