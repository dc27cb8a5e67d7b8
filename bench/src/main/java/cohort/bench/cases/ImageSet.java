package cohort.bench.cases;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The photos of the thumbnail case: JPEGs of 1600x1200 made from a seed, so every run and every
 * system gets the same files. The bench's photos have a gradient, shapes and a fine grain, so they
 * compress like a noisy photo (about 600 KiB, slow to decode); the smooth set has the same gradient
 * and shapes without the grain (about 60 KiB), so decoding costs less and what is around it shows.
 */
public final class ImageSet {

  static final int WIDTH = 1600;
  static final int HEIGHT = 1200;

  private ImageSet() {}

  /** The folder of {@code count} of the bench's (grainy) images under {@code work}. */
  public static Path ensure(Path work, int count) throws Exception {
    return ensure(work, count, false);
  }

  /** The folder of {@code count} smooth images under {@code work}. */
  public static Path ensureSmooth(Path work, int count) throws Exception {
    return ensure(work, count, true);
  }

  /** The folder of {@code count} images under {@code work}, made on first use. */
  private static Path ensure(Path work, int count, boolean smooth) throws Exception {
    String name = (smooth ? "smooth-" : "images-") + count;
    Path dir = work.resolve(name);
    Path done = work.resolve(name + ".complete");
    if (Files.exists(done)) {
      return dir;
    }
    Files.createDirectories(dir);
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    try {
      for (Future<?> f :
          IntStream.range(0, count)
              .mapToObj(i -> pool.submit(() -> write(dir, i, smooth)))
              .toList()) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    Files.writeString(done, count + " images\n");
    return dir;
  }

  private static void write(Path dir, int index, boolean smooth) {
    Random random = new Random(1_000_003L * index + 17);
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, color(random), WIDTH, HEIGHT, color(random)));
    g.fillRect(0, 0, WIDTH, HEIGHT);
    for (int i = 0; i < 40; i++) {
      g.setColor(
          new Color(
              random.nextInt(256),
              random.nextInt(256),
              random.nextInt(256),
              90 + random.nextInt(120)));
      int x = random.nextInt(WIDTH);
      int y = random.nextInt(HEIGHT);
      int w = 40 + random.nextInt(500);
      int h = 40 + random.nextInt(400);
      if (i % 2 == 0) {
        g.fillOval(x - w / 2, y - h / 2, w, h);
      } else {
        g.fillRect(x - w / 2, y - h / 2, w, h);
      }
    }
    g.dispose();
    int[] row = new int[WIDTH];
    for (int y = 0; y < (smooth ? 0 : HEIGHT); y++) {
      image.getRGB(0, y, WIDTH, 1, row, 0, WIDTH);
      for (int x = 0; x < WIDTH; x++) {
        int grain = random.nextInt(25) - 12;
        int rgb = row[x];
        row[x] =
            (clamp(((rgb >> 16) & 0xff) + grain) << 16)
                | (clamp(((rgb >> 8) & 0xff) + grain) << 8)
                | clamp((rgb & 0xff) + grain);
      }
      image.setRGB(0, y, WIDTH, 1, row, 0, WIDTH);
    }
    Path file = dir.resolve(String.format("photo-%04d.jpg", index));
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.9f);
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      writer.dispose();
    }
  }

  private static Color color(Random random) {
    return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
  }

  private static int clamp(int value) {
    return Math.max(0, Math.min(255, value));
  }
}
