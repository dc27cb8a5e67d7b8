package cohort.node.tasks.thumbnail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cohort.node.tasks.TestContexts;
import cohort.task.FileRef;
import cohort.task.TaskContext;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;
import net.coobird.thumbnailator.util.exif.Orientation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThumbnailTaskTest {

  private final ThumbnailTask task = new ThumbnailTask();

  /** An image of {@code w x h}: left half red, right half blue, so orientation shows. */
  static BufferedImage picture(int w, int h, int type) {
    BufferedImage image = new BufferedImage(w, h, type);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, w / 2, h);
    g.setColor(Color.BLUE);
    g.fillRect(w / 2, 0, w - w / 2, h);
    g.dispose();
    return image;
  }

  static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, format, out)) {
      throw new IOException("no writer for " + format);
    }
    return out.toByteArray();
  }

  /** Adds an EXIF APP1 segment with the given orientation after a JPEG's SOI and JFIF APP0. */
  static byte[] withOrientation(byte[] jpeg, int orientation) {
    ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
    tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    tiff.putShort((short) 1); // one IFD entry
    tiff.putShort((short) 0x0112)
        .putShort((short) 3)
        .putInt(1)
        .putShort((short) orientation)
        .putShort((short) 0);
    tiff.putInt(0); // no next IFD
    byte[] exif = new byte[6 + tiff.capacity()];
    System.arraycopy(
        "Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, exif, 0, 6);
    System.arraycopy(tiff.array(), 0, exif, 6, tiff.capacity());
    int length = exif.length + 2;
    int at = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff)); // after SOI and APP0
    byte[] out = new byte[jpeg.length + 4 + exif.length];
    System.arraycopy(jpeg, 0, out, 0, at);
    out[at] = (byte) 0xFF;
    out[at + 1] = (byte) 0xE1;
    out[at + 2] = (byte) (length >> 8);
    out[at + 3] = (byte) length;
    System.arraycopy(exif, 0, out, at + 4, exif.length);
    System.arraycopy(jpeg, at, out, at + 4 + exif.length, jpeg.length - at);
    return out;
  }

  /**
   * Skips a test where libjpeg-turbo is missing, except in CI ({@code CI} set), where {@code
   * .ci/run} installs it: there its absence fails the test.
   */
  static void assumeTurboJpeg() {
    if (!TurboJpeg.available() && System.getenv("CI") != null) {
      throw new AssertionError(
          "libjpeg-turbo is missing in CI: .ci/run installs libturbojpeg0; install it with apt-get"
              + " install -y libturbojpeg0");
    }
    assumeTrue(
        TurboJpeg.available(), "libjpeg-turbo is not installed here (Debian: libturbojpeg0)");
  }

  private static TaskContext reading(byte[] bytes) {
    return TestContexts.reading(bytes);
  }

  private Thumbnail thumbnail(byte[] bytes, String name, ThumbnailParams params) throws Exception {
    return task.run(new FileRef(name, "b", null, (long) bytes.length), params, reading(bytes));
  }

  private static ThumbnailParams params(String size, String format) {
    return new ThumbnailParams(size, format, null, null);
  }

  /** Tests each input format, scaled to fit the box with its aspect ratio, as a real image. */
  @Test
  void scalesEveryFormat() throws Exception {
    for (String format : new String[] {"jpg", "png", "gif", "bmp"}) {
      byte[] source = encode(picture(1600, 1200, BufferedImage.TYPE_INT_RGB), format);
      Thumbnail thumb = thumbnail(source, "photo." + format, params("75x75", "png"));
      assertThat(thumb.width()).as(format).isEqualTo(75);
      assertThat(thumb.height()).as(format).isEqualTo(56);
      assertThat(thumb.file())
          .isEqualTo(format.equals("png") ? "photo.png" : "photo." + format + ".png");
      BufferedImage written = ImageIO.read(new ByteArrayInputStream(thumb.data()));
      assertThat(written.getWidth()).isEqualTo(75);
      assertThat(written.getHeight()).isEqualTo(56);
      assertThat(new Color(written.getRGB(5, 28)).getRed())
          .as(format + " left is red")
          .isGreaterThan(200);
      assertThat(new Color(written.getRGB(70, 28)).getBlue())
          .as(format + " right is blue")
          .isGreaterThan(200);
    }
  }

  /** Tests that the EXIF orientation turns the picture upright before it is scaled. */
  @Test
  void appliesExifOrientation() throws Exception {
    byte[] jpeg = encode(picture(160, 80, BufferedImage.TYPE_INT_RGB), "jpg");
    Thumbnail upright = thumbnail(withOrientation(jpeg, 6), "turned.jpg", params("100x100", "png"));
    assertThat(upright.width()).isEqualTo(50);
    assertThat(upright.height()).isEqualTo(100);
    BufferedImage written = ImageIO.read(new ByteArrayInputStream(upright.data()));
    // Orientation 6 turns the image clockwise: its left (red) half ends up on top.
    assertThat(new Color(written.getRGB(25, 10)).getRed()).isGreaterThan(200);
    assertThat(new Color(written.getRGB(25, 90)).getBlue()).isGreaterThan(200);
  }

  /** Tests that transparency becomes white in a JPEG, and the name gets the format's extension. */
  @Test
  void flattensTransparencyForJpeg() throws Exception {
    BufferedImage clear = new BufferedImage(100, 100, BufferedImage.TYPE_INT_ARGB);
    Thumbnail thumb = thumbnail(encode(clear, "png"), "dir/icon.png", params("50x50", "jpg"));
    assertThat(thumb.file()).isEqualTo("dir/icon.png.jpg");
    BufferedImage written = ImageIO.read(new ByteArrayInputStream(thumb.data()));
    assertThat(new Color(written.getRGB(25, 25)).getGreen()).isGreaterThan(240);
  }

  /** Tests that a file that is not an image, or is cut short, fails with its name. */
  @Test
  void badFilesFailWithTheirName() throws Exception {
    assertThatThrownBy(() -> thumbnail("hello".getBytes(), "notes.txt", params("75x75", "jpg")))
        .hasMessageStartingWith("notes.txt is not an image");
    byte[] jpeg = encode(picture(400, 300, BufferedImage.TYPE_INT_RGB), "jpg");
    byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
    assertThatThrownBy(() -> thumbnail(cut, "cut.jpg", params("75x75", "jpg")))
        .hasMessageStartingWith("cut.jpg is truncated or corrupt");
  }

  /** Tests that with an out folder the node writes the thumbnail and returns its path. */
  @Test
  void writesToSharedStorage(@TempDir Path out) throws Exception {
    byte[] jpeg = encode(picture(300, 300, BufferedImage.TYPE_INT_RGB), "jpg");
    Thumbnail thumb =
        thumbnail(jpeg, "a/b.jpeg", new ThumbnailParams("30", "jpg", 90, out.toString()));
    assertThat(thumb.data()).isNull();
    assertThat(Path.of(thumb.path())).isEqualTo(out.resolve("a/b.jpeg"));
    assertThat(ImageIO.read(Files.newInputStream(out.resolve("a/b.jpeg"))).getWidth())
        .isEqualTo(30);
  }

  /** Tests that a thumbnail too large to travel back in a result fails alone, saying what to do. */
  @Test
  void thumbnailTooLargeToReturnSaysWhatToDo() throws Exception {
    BufferedImage noise = new BufferedImage(1200, 900, BufferedImage.TYPE_INT_RGB);
    java.util.Random random = new java.util.Random(7);
    for (int y = 0; y < noise.getHeight(); y++) {
      for (int x = 0; x < noise.getWidth(); x++) {
        noise.setRGB(x, y, random.nextInt());
      }
    }
    byte[] source = encode(noise, "png");
    assertThatThrownBy(() -> thumbnail(source, "noise.png", params("1200x900", "png")))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageStartingWith("noise.png: its 1200x900 png thumbnail is")
        .hasMessageContaining("use --shared-fs");
  }

  /** Tests that parameters are checked with messages naming them. */
  @Test
  void checksParameters() {
    assertThatThrownBy(() -> task.validate(params("75x75", "tiff")))
        .hasMessageContaining("format 'tiff'");
    assertThatThrownBy(() -> task.validate(new ThumbnailParams(null, null, 0, null)))
        .hasMessageContaining("quality 0");
    assertThat(ThumbnailTask.renamed("x.JPG", "jpg")).isEqualTo("x.JPG");
    assertThat(ThumbnailTask.renamed("x.jpeg", "jpg")).isEqualTo("x.jpeg");
    assertThat(ThumbnailTask.renamed("x.gif", "png")).isEqualTo("x.gif.png");
    assertThat(ThumbnailTask.renamed("dir.d/x", "png")).isEqualTo("dir.d/x.png");
    // Inputs that differ only in their extension keep thumbnails apart.
    assertThat(ThumbnailTask.renamed("x.png", "jpg"))
        .isNotEqualTo(ThumbnailTask.renamed("x.jpg", "jpg"));
    assertThat(Map.of()).isEmpty();
  }

  /** Tests that the EXIF orientation is read from the header alone, and absent without EXIF. */
  @Test
  void readsExifOrientationFromTheHeader() throws Exception {
    byte[] jpeg = encode(picture(160, 80, BufferedImage.TYPE_INT_RGB), "jpg");
    assertThat(ThumbnailTask.orientation(withOrientation(jpeg, 6)))
        .isEqualTo(Orientation.RIGHT_TOP);
    assertThat(ThumbnailTask.orientation(withOrientation(jpeg, 1))).isEqualTo(Orientation.TOP_LEFT);
    assertThat(ThumbnailTask.orientation(jpeg)).isNull();
    assertThat(ThumbnailTask.orientation(Arrays.copyOf(jpeg, 3))).isNull();
  }

  /**
   * Tests libjpeg-turbo's scaled decoding against ImageIO's: the same size and the same picture.
   * Runs where the library is installed (Debian: {@code apt-get install libturbojpeg0}).
   */
  @Test
  void turboJpegDecodesAtReducedScaleLikeImageIo() throws Exception {
    assumeTurboJpeg();
    byte[] jpeg = encode(picture(1600, 1200, BufferedImage.TYPE_INT_RGB), "jpg");

    BufferedImage fast = TurboJpeg.decode(jpeg, (w, h) -> 6).orElseThrow();
    BufferedImage slow = ThumbnailTask.decodeWithImageIo(jpeg, "photo.jpg", (w, h) -> 4);

    assertThat(fast.getWidth()).isEqualTo(400); // 6 rounds down to the decoder's 1/4
    assertThat(fast.getHeight()).isEqualTo(300);
    assertThat(slow.getWidth()).isEqualTo(400);
    for (int[] at : new int[][] {{20, 150}, {180, 20}, {220, 280}, {380, 150}}) {
      Color a = new Color(fast.getRGB(at[0], at[1]));
      Color b = new Color(slow.getRGB(at[0], at[1]));
      assertThat(Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getBlue() - b.getBlue()))
          .as("pixel %s,%s", at[0], at[1])
          .isLessThan(24);
    }
    assertThat(TurboJpeg.decode(jpeg, (w, h) -> 100).orElseThrow().getWidth()).isEqualTo(200);
  }

  /** Tests that libjpeg-turbo leaves a truncated JPEG to ImageIO, which names the problem. */
  @Test
  void turboJpegLeavesBrokenFilesToImageIo() throws Exception {
    assumeTurboJpeg();
    byte[] jpeg = encode(picture(400, 300, BufferedImage.TYPE_INT_RGB), "jpg");
    assertThat(TurboJpeg.decode(Arrays.copyOf(jpeg, jpeg.length / 2), (w, h) -> 2)).isEmpty();
    assertThat(TurboJpeg.decode("not a jpeg".getBytes(), (w, h) -> 2)).isEmpty();
  }
}
