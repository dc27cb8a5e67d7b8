package cohort.node.tasks.thumbnail;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * An image as interleaved 8-bit samples, row after row: RGB (3 channels) or RGBA with straight
 * alpha (4). The thumbnail task works on these between the decoder and the encoder, so no pixel is
 * converted more than once on the way.
 *
 * @param width the width in pixels
 * @param height the height in pixels
 * @param channels 3 or 4
 * @param data {@code width * height * channels} samples
 */
public record Pixels(int width, int height, int channels, byte[] data) {

  public Pixels {
    if (width < 1 || height < 1 || (channels != 3 && channels != 4)) {
      throw new IllegalArgumentException(
          "an image of " + width + "x" + height + " with " + channels + " channels");
    }
    if (data.length < width * height * channels) {
      throw new IllegalArgumentException("too few samples for " + width + "x" + height);
    }
  }

  /** The pixels of any image ImageIO decoded: RGBA when it has transparency, else RGB. */
  public static Pixels of(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int channels = image.getColorModel().hasAlpha() ? 4 : 3;
    byte[] data = new byte[w * h * channels];
    int[] row = new int[w];
    int at = 0;
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int argb : row) {
        data[at++] = (byte) (argb >> 16);
        data[at++] = (byte) (argb >> 8);
        data[at++] = (byte) argb;
        if (channels == 4) {
          data[at++] = (byte) (argb >>> 24);
        }
      }
    }
    return new Pixels(w, h, channels, data);
  }

  /** This image as a {@link BufferedImage}, for ImageIO's encoders and for tests. */
  BufferedImage toImage() {
    BufferedImage image =
        new BufferedImage(
            width,
            height,
            channels == 4 ? BufferedImage.TYPE_4BYTE_ABGR : BufferedImage.TYPE_3BYTE_BGR);
    byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int n = width * height;
    for (int i = 0, s = 0, t = 0; i < n; i++, s += channels, t += channels) {
      if (channels == 4) {
        target[t] = data[s + 3];
        target[t + 1] = data[s + 2];
        target[t + 2] = data[s + 1];
        target[t + 3] = data[s];
      } else {
        target[t] = data[s + 2];
        target[t + 1] = data[s + 1];
        target[t + 2] = data[s];
      }
    }
    return image;
  }

  /** This image painted on white: RGB, for formats without transparency. */
  Pixels flattened() {
    if (channels == 3) {
      return this;
    }
    int n = width * height;
    byte[] flat = new byte[n * 3];
    for (int i = 0, s = 0, t = 0; i < n; i++, s += 4, t += 3) {
      int alpha = data[s + 3] & 0xff;
      for (int c = 0; c < 3; c++) {
        flat[t + c] = (byte) (((data[s + c] & 0xff) * alpha + 255 * (255 - alpha) + 127) / 255);
      }
    }
    return new Pixels(width, height, 3, flat);
  }

  /**
   * This image turned upright as an EXIF orientation says (1 to 8; others leave it as it is), the
   * way Pillow's {@code ImageOps.exif_transpose} does.
   */
  Pixels oriented(int orientation) {
    if (orientation < 2 || orientation > 8) {
      return this;
    }
    boolean turned = orientation >= 5;
    int w = turned ? height : width;
    int h = turned ? width : height;
    byte[] out = new byte[data.length];
    int at = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> {
            sx = width - 1 - x;
            sy = y;
          }
          case 3 -> {
            sx = width - 1 - x;
            sy = height - 1 - y;
          }
          case 4 -> {
            sx = x;
            sy = height - 1 - y;
          }
          case 5 -> {
            sx = y;
            sy = x;
          }
          case 6 -> {
            sx = y;
            sy = height - 1 - x;
          }
          case 7 -> {
            sx = width - 1 - y;
            sy = height - 1 - x;
          }
          default -> {
            sx = width - 1 - y;
            sy = x;
          }
        }
        System.arraycopy(data, (sy * width + sx) * channels, out, at, channels);
        at += channels;
      }
    }
    return new Pixels(w, h, channels, out);
  }
}
