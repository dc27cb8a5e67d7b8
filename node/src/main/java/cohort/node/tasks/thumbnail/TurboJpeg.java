package cohort.node.tasks.thumbnail;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Optional;
import java.util.function.IntBinaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes JPEGs at 1/2, 1/4 or 1/8 of their size with the system's libjpeg-turbo (its TurboJPEG
 * API, Debian's {@code libturbojpeg0}), called through JNA. Scaling inside the decoder skips most
 * of the inverse DCT, which is what Pillow's draft mode does with the same library: about twice as
 * fast as ImageIO with source subsampling on a 1600x1200 photo.
 *
 * <p>Optional: without the library, {@link #available()} is false and the thumbnail task decodes
 * with ImageIO. Any error or warning from the library also means "decode with ImageIO instead",
 * which then says what is wrong with the file.
 */
final class TurboJpeg {

  private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);

  /** The calls of TurboJPEG's C API (turbojpeg.h, libjpeg-turbo 2.x) the decoder makes. */
  interface Api extends Library {
    Pointer tjInitDecompress();

    int tjDecompressHeader3(
        Pointer handle,
        byte[] jpeg,
        NativeLong size,
        IntByReference width,
        IntByReference height,
        IntByReference subsampling,
        IntByReference colorspace);

    int tjDecompress2(
        Pointer handle,
        byte[] jpeg,
        NativeLong size,
        byte[] pixels,
        int width,
        int pitch,
        int height,
        int format,
        int flags);

    int tjDestroy(Pointer handle);
  }

  /**
   * {@code TJPF_BGR}: three bytes per pixel, the layout of {@link BufferedImage#TYPE_3BYTE_BGR}.
   */
  private static final int PIXELS_BGR = 1;

  /** {@code TJFLAG_STOPONWARNING}: a truncated or corrupt file is an error, not a grey image. */
  private static final int STOP_ON_WARNING = 8192;

  /** {@code TJFLAG_LIMITSCANS}: refuse progressive JPEGs with absurd scan counts. */
  private static final int LIMIT_SCANS = 32768;

  private static final Api API = load();

  private TurboJpeg() {}

  private static Api load() {
    if (Boolean.getBoolean("cohort.thumbnail.no-turbojpeg")) {
      return null;
    }
    try {
      Api api = Native.load("turbojpeg", Api.class);
      LOG.debug("libjpeg-turbo found: JPEG thumbnails decode at reduced scale");
      return api;
    } catch (LinkageError | RuntimeException e) {
      // No library, or no JNA native support for this platform: ImageIO decodes instead.
      LOG.debug("libjpeg-turbo not found ({}); JPEG thumbnails decode with ImageIO", e.toString());
      return null;
    }
  }

  /** Whether libjpeg-turbo was found on this machine. */
  static boolean available() {
    return API != null;
  }

  /**
   * The JPEG decoded at a reduced scale, or empty when the library is missing, the file is not a
   * JPEG it decodes cleanly, or its colour space (CMYK) does not turn into BGR.
   *
   * @param reduction given the stored width and height, by how much the image may shrink; the
   *     decoder uses the largest of 8, 4, 2 and 1 that is not above it, and rounds sizes up
   */
  static Optional<BufferedImage> decode(byte[] jpeg, IntBinaryOperator reduction) {
    if (API == null) {
      return Optional.empty();
    }
    Pointer handle = API.tjInitDecompress();
    if (handle == null) {
      return Optional.empty();
    }
    try {
      NativeLong size = new NativeLong(jpeg.length);
      IntByReference width = new IntByReference();
      IntByReference height = new IntByReference();
      if (API.tjDecompressHeader3(
              handle, jpeg, size, width, height, new IntByReference(), new IntByReference())
          != 0) {
        return Optional.empty();
      }
      int denominator =
          Integer.highestOneBit(
              Math.max(1, Math.min(8, reduction.applyAsInt(width.getValue(), height.getValue()))));
      int w = (width.getValue() + denominator - 1) / denominator;
      int h = (height.getValue() + denominator - 1) / denominator;
      BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
      byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
      int status =
          API.tjDecompress2(
              handle, jpeg, size, pixels, w, w * 3, h, PIXELS_BGR, STOP_ON_WARNING | LIMIT_SCANS);
      return status == 0 ? Optional.of(image) : Optional.empty();
    } finally {
      API.tjDestroy(handle);
    }
  }
}
