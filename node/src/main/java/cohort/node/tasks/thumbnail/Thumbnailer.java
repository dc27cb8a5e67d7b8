package cohort.node.tasks.thumbnail;

import cohort.task.FileRef;
import cohort.task.TaskContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntBinaryOperator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * The stages of making a thumbnail, each a method of its own so they can be timed one by one
 * against Pillow's ({@code bench/run.sh --thumbnail-stages}): the EXIF orientation, a decode at
 * reduced scale, the resampling to the final size, the encoding, and the write. JPEGs decode and
 * encode with libjpeg-turbo where it is installed, into and out of plain RGB arrays; other formats,
 * or machines without the library, use ImageIO.
 */
public final class Thumbnailer {

  static {
    ImageIO.setUseCache(false);
  }

  private Thumbnailer() {}

  /**
   * An image decoded at a reduced scale, not yet turned upright.
   *
   * @param pixels the decoded pixels
   * @param region the part of {@code pixels} that holds the image ({@code x0, y0, x1, y1}): a
   *     reduced-scale decode rounds sizes up, so its last row and column may hold a fraction of a
   *     stored pixel's worth, as in Pillow's draft mode
   * @param storedWidth the width the file stores
   * @param storedHeight the height the file stores
   */
  public record Decoded(Pixels pixels, double[] region, int storedWidth, int storedHeight) {}

  /** Each thread's buffer for the files it reads: direct, so libjpeg-turbo reads it in place. */
  private static final ThreadLocal<ByteBuffer> BUFFERS =
      ThreadLocal.withInitial(() -> cohort.node.LocalFile.direct(1 << 20));

  /**
   * Reads a file input into this thread's buffer, which grows to the largest file it has read.
   *
   * @return the bytes, from position 0 to the limit
   */
  public static ByteBuffer read(FileRef file, TaskContext context) throws IOException {
    ByteBuffer bytes = context.read(file, BUFFERS.get());
    if (bytes.isDirect()) {
      BUFFERS.set(bytes);
    }
    return bytes;
  }

  /** Whether the bytes start like a JPEG. */
  static boolean isJpeg(ByteBuffer bytes) {
    return bytes.limit() > 2 && (bytes.get(0) & 0xff) == 0xff && (bytes.get(1) & 0xff) == 0xd8;
  }

  /** A JPEG's EXIF orientation, 1 to 8, or 0 for none (and for every other format). */
  public static int orientation(ByteBuffer bytes) {
    return isJpeg(bytes) ? Exif.orientation(bytes) : 0;
  }

  /**
   * Decodes an image at the coarsest scale that still leaves twice the thumbnail's pixels ({@link
   * Box#subsampling}) on the upright image.
   *
   * @throws IOException naming the file when it is not an image or is truncated or corrupt
   */
  public static Decoded decode(ByteBuffer bytes, String name, Box box, int orientation)
      throws IOException {
    boolean turned = orientation >= 5;
    IntBinaryOperator reduction = (w, h) -> turned ? box.subsampling(h, w) : box.subsampling(w, h);
    if (isJpeg(bytes)) {
      TurboJpeg.Decoded fast = TurboJpeg.decodePixels(bytes, reduction).orElse(null);
      if (fast != null) {
        double scale = fast.denominator();
        return new Decoded(
            fast.pixels(),
            new double[] {0, 0, fast.storedWidth() / scale, fast.storedHeight() / scale},
            fast.storedWidth(),
            fast.storedHeight());
      }
    }
    int[] stored = new int[2];
    int[] skip = new int[1];
    byte[] heap = new byte[bytes.limit()];
    bytes.get(0, heap);
    BufferedImage image =
        decodeWithImageIo(
            heap,
            name,
            (w, h) -> {
              stored[0] = w;
              stored[1] = h;
              skip[0] = reduction.applyAsInt(w, h);
              return skip[0];
            });
    Pixels pixels = Pixels.of(image);
    double s = skip[0];
    return new Decoded(
        pixels,
        new double[] {
          0, 0, Math.min(pixels.width(), stored[0] / s), Math.min(pixels.height(), stored[1] / s)
        },
        stored[0],
        stored[1]);
  }

  /** Turns the decoded image upright and resamples it to its size in the box. */
  public static Pixels resize(Decoded decoded, Box box, int orientation) {
    boolean turned = orientation >= 5;
    int[] size =
        turned
            ? box.fit(decoded.storedHeight(), decoded.storedWidth())
            : box.fit(decoded.storedWidth(), decoded.storedHeight());
    Pixels source = decoded.pixels();
    double[] region =
        Resample.orientedBox(decoded.region(), source.width(), source.height(), orientation);
    return Resample.resize(source.oriented(orientation), region, size[0], size[1]);
  }

  /**
   * Encodes a thumbnail: JPEG with libjpeg-turbo where installed (transparency painted on white),
   * otherwise with ImageIO.
   */
  public static byte[] encode(Pixels pixels, String format, int quality) throws IOException {
    if (format.equals("jpg") || format.equals("bmp")) {
      pixels = pixels.flattened();
    }
    if (format.equals("jpg")) {
      byte[] fast = TurboJpeg.encode(pixels, quality).orElse(null);
      if (fast != null) {
        return fast;
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    BufferedImage image = pixels.toImage();
    if (format.equals("jpg")) {
      ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
      try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality / 100f);
        writer.setOutput(stream);
        writer.write(null, new IIOImage(image, null, null), param);
      } finally {
        writer.dispose();
      }
    } else if (!ImageIO.write(image, format, out)) {
      throw new IOException("no encoder for " + format + " on this node");
    }
    return out.toByteArray();
  }

  /** Writes a thumbnail's bytes to a file, creating or replacing it. */
  public static void write(Path target, byte[] bytes) throws IOException {
    try (OutputStream out = new FileOutputStream(target.toFile())) {
      out.write(bytes);
    }
  }

  /** Decodes with ImageIO, skipping pixels as {@code reduction} says given the stored size. */
  static BufferedImage decodeWithImageIo(byte[] bytes, String name, IntBinaryOperator reduction)
      throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new IOException(
            name + " is not an image Cohort can read (JPEG, PNG, GIF, BMP, WBMP)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, false);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        int skip = reduction.applyAsInt(reader.getWidth(0), reader.getHeight(0));
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(skip, skip, 0, 0);
        BufferedImage image = reader.read(0, param);
        if (!warnings.isEmpty()) {
          throw new IOException(name + " is truncated or corrupt: " + warnings.get(0));
        }
        return image;
      } catch (IOException | RuntimeException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(name)) {
          throw e;
        }
        throw new IOException(name + " is not a readable image: " + e.getMessage(), e);
      } finally {
        reader.dispose();
      }
    }
  }
}
