package cohort.api.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A token kept in a file only its owner can read (mode 0600): the coordinator's {@code token} in
 * its data folder, or a file the user names with {@code --token-file}.
 */
public final class TokenFile {

  /** The token's file name in a coordinator's data folder. */
  public static final String NAME = "token";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private TokenFile() {}

  /**
   * Reads the token in {@code file}.
   *
   * @throws IllegalArgumentException when the file is missing, unreadable or holds no usable token
   */
  public static Token read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("the token file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the token file " + file + " (" + e.getMessage() + ")", e);
    }
    return Token.of(text, file.toString());
  }

  /**
   * The token in {@code file}, made and written there (readable by its owner only) when the file
   * does not exist yet. Two processes starting at once on one folder read the same token.
   *
   * @throws IllegalStateException when the file cannot be written
   */
  public static Token readOrCreate(Path file) {
    if (Files.exists(file)) {
      return read(file);
    }
    Token token = Token.generate();
    Path temp = null;
    try {
      temp = written(file, token);
      Files.createLink(file, temp); // fails when another process made it first
      return token;
    } catch (FileAlreadyExistsException e) {
      return read(file);
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException(
          "cannot write the token file " + file + " (" + e.getMessage() + ")", e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // a temporary file left beside the token is harmless
        }
      }
    }
  }

  /**
   * Writes {@code token} to {@code file}, readable by its owner only, replacing what it held.
   *
   * @throws IllegalStateException when the file cannot be written
   */
  public static void write(Path file, Token token) {
    try {
      Files.move(
          written(file, token),
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write the token file " + file + " (" + e.getMessage() + ")", e);
    }
  }

  /** A temporary file beside {@code file}, readable by its owner only, holding the token. */
  private static Path written(Path file, Token token) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, ".token-", ".tmp");
    restrict(temp);
    Files.writeString(
        temp, token.value() + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    return temp;
  }

  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    } catch (UnsupportedOperationException e) {
      // A file system without POSIX modes (Windows): the folder's own access rules apply.
    }
  }
}
