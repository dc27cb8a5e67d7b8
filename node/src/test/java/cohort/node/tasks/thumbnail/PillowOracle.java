package cohort.node.tasks.thumbnail;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system's Python with Pillow (Debian's {@code python3-pil}) as the oracle of thumbnail
 * sizes. Where it is missing the test is skipped, except in CI ({@code CI} set), where {@code
 * .ci/run} installs it: there a missing Pillow fails the test.
 */
final class PillowOracle {

  static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final String SCRIPT =
      String.join(
          "\n",
          "import sys",
          "from PIL import Image, ImageOps",
          "for line in sys.stdin:",
          "    path, w, h = line.rstrip('\\n').rsplit(' ', 2)",
          "    with Image.open(path) as im:",
          "        im = ImageOps.exif_transpose(im)",
          "        im.thumbnail((int(w), int(h)))",
          "        print(im.size[0], im.size[1])",
          "");

  private PillowOracle() {}

  /** Skips the calling test where Pillow cannot run, unless in CI. */
  static void assumePresent() throws Exception {
    boolean present =
        Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import PIL")) == 0;
    if (!present && System.getenv("CI") != null) {
      throw new AssertionError(
          "Pillow is missing in CI: .ci/run installs python3-pil; install it with apt-get install"
              + " -y python3-pil");
    }
    assumeTrue(present, "Pillow is not installed here (Debian: apt-get install python3-pil)");
  }

  private static int run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  /**
   * The size Pillow's {@code ImageOps.exif_transpose} then {@code Image.thumbnail((w, h))} gives
   * each file, in order.
   */
  static List<int[]> thumbnailSizes(List<Path> files, List<Box> boxes) throws Exception {
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < files.size(); i++) {
      input
          .append(files.get(i))
          .append(' ')
          .append(boxes.get(i).width())
          .append(' ')
          .append(boxes.get(i).height())
          .append('\n');
    }
    Process process =
        new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      process.getOutputStream().write(input.toString().getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("Pillow failed on the test's images; see its message above");
      }
      List<int[]> sizes = new ArrayList<>();
      for (String line : output.strip().split("\n")) {
        String[] parts = line.trim().split(" ");
        sizes.add(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
      }
      return sizes;
    } finally {
      process.destroyForcibly();
    }
  }
}
