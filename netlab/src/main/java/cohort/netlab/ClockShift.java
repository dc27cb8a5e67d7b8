package cohort.netlab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sets a process's wall clock off by a given time, for a lab host whose clock is wrong: a small
 * library ({@code clockshift.c}, beside this class) that the process loads with {@code LD_PRELOAD},
 * compiled with the machine's C compiler on first use.
 */
public final class ClockShift {

  private static final String SOURCE = "clockshift.c";

  private ClockShift() {}

  /** Why a clock cannot be shifted here, if it cannot: no C compiler. */
  public static Optional<String> unavailable() {
    Shell.Outcome gcc = Shell.run(List.of("gcc", "--version"));
    return gcc.ok()
        ? Optional.empty()
        : Optional.of("no C compiler to build the clock-shifting library: install Debian's gcc");
  }

  /**
   * The environment that starts a process with its wall clock {@code shift} off (ahead when
   * positive), its monotonic clocks untouched; the library is built in {@code dir}.
   */
  public static Map<String, String> environment(Path dir, Duration shift) {
    return Map.of(
        "LD_PRELOAD", library(dir).toString(),
        "COHORT_CLOCK_SHIFT_SECONDS", Long.toString(shift.toSeconds()));
  }

  private static synchronized Path library(Path dir) {
    Path library = dir.resolve("clockshift.so");
    if (Files.exists(library)) {
      return library;
    }
    try (InputStream source = ClockShift.class.getResourceAsStream(SOURCE)) {
      Files.createDirectories(dir);
      Path copy = dir.resolve(SOURCE);
      Files.write(copy, source.readAllBytes());
      Shell.must(
          "gcc", "-shared", "-fPIC", "-O2", "-o", library.toString(), copy.toString(), "-ldl");
      return library;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot build the clock-shifting library: " + e.getMessage(), e);
    }
  }
}
