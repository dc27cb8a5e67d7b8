package cohort.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Facts about the machine and the software a run measured, for the results page. */
final class Machine {

  private Machine() {}

  /** Cores, CPU model and memory, such as {@code 2 cores (AMD EPYC 7B13), 23.5 GiB}. */
  static String describe() {
    String model = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
    String memory =
        firstValue(Path.of("/proc/meminfo"), "MemTotal")
            .map(
                kb ->
                    String.format(
                        Locale.ROOT,
                        "%.1f GiB",
                        Long.parseLong(kb.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
            .orElse("unknown memory");
    return Runtime.getRuntime().availableProcessors()
        + " cores ("
        + model
        + "), "
        + memory
        + ", "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version");
  }

  static String java() {
    return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
  }

  /** The commit of the source tree, marked when it has uncommitted changes. */
  static String commit(Path root) {
    String head = git(root, "rev-parse", "--short", "HEAD");
    if (head.isEmpty()) {
      return "unknown (not a git checkout)";
    }
    return git(root, "status", "--porcelain", "--untracked-files=no").isEmpty()
        ? head
        : head + " with uncommitted changes";
  }

  private static String git(Path root, String... args) {
    try {
      List<String> command = new java.util.ArrayList<>(List.of("git", "-C", root.toString()));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return process.waitFor() == 0 ? out : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static java.util.Optional<String> firstValue(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) {
          return java.util.Optional.of(line.substring(line.indexOf(':') + 1).strip());
        }
      }
    } catch (IOException e) {
      // not Linux: the page says unknown
    }
    return java.util.Optional.empty();
  }

  /** Whether the thumbnail task finds libjpeg-turbo here, as the node JVMs look for it. */
  static String turboJpeg() {
    try {
      com.sun.jna.NativeLibrary.getInstance("turbojpeg");
      return "installed: Cohort's thumbnail task decodes JPEGs at 1/8 scale, as Pillow's draft mode"
          + " does";
    } catch (LinkageError e) {
      return "not installed: Cohort's thumbnail task decodes with ImageIO (install Debian's"
          + " libturbojpeg0)";
    }
  }
}
