package cohort.node.tasks.thumbnail;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.awt.image.BufferedImage;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.IntBinaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes JPEGs at 1/2, 1/4 or 1/8 of their size, and encodes thumbnails, with the system's
 * libjpeg-turbo (its TurboJPEG API, Debian's {@code libturbojpeg0}), called through JNA's direct
 * mapping. Scaling inside the decoder skips most of the inverse DCT, which is what Pillow's draft
 * mode does with the same library.
 *
 * <p>Each thread keeps its own decoder and encoder handles and native buffers, so a photo costs one
 * copy of its bytes into native memory and one copy of the decoded pixels out: no handle is
 * created, no buffer allocated per call.
 *
 * <p>Optional: without the library, {@link #available()} is false and the thumbnail task decodes
 * and encodes with ImageIO. Any error or warning from the library also means "decode with ImageIO
 * instead", which then says what is wrong with the file.
 */
final class TurboJpeg {

  private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);

  /** {@code TJPF_RGB}: three bytes per pixel, red first. */
  private static final int PIXELS_RGB = 0;

  /** {@code TJSAMP_420}: chroma halved both ways, as Pillow and most cameras write JPEGs. */
  private static final int SUBSAMPLING_420 = 2;

  /** {@code TJFLAG_NOREALLOC}: encode into the buffer given. */
  private static final int NO_REALLOC = 1024;

  /** {@code TJFLAG_STOPONWARNING}: a truncated or corrupt file is an error, not a grey image. */
  private static final int STOP_ON_WARNING = 8192;

  /** {@code TJFLAG_LIMITSCANS}: refuse progressive JPEGs with absurd scan counts. */
  private static final int LIMIT_SCANS = 32768;

  private static final boolean AVAILABLE = register();

  private static final Cleaner CLEANER = Cleaner.create();

  private static final ThreadLocal<Codec> CODECS = ThreadLocal.withInitial(Codec::new);

  private TurboJpeg() {}

  private static boolean register() {
    if (Boolean.getBoolean("cohort.thumbnail.no-turbojpeg")) {
      return false;
    }
    try {
      Native.register(TurboJpeg.class, "turbojpeg");
      LOG.debug("libjpeg-turbo found: JPEG thumbnails decode at reduced scale");
      return true;
    } catch (LinkageError | RuntimeException e) {
      // No library, or no JNA native support for this platform: ImageIO decodes instead.
      LOG.debug("libjpeg-turbo not found ({}); JPEG thumbnails decode with ImageIO", e.toString());
      return false;
    }
  }

  // The calls of TurboJPEG's C API (turbojpeg.h, libjpeg-turbo 2.x) this class makes.
  private static native Pointer tjInitDecompress();

  private static native Pointer tjInitCompress();

  private static native int tjDecompressHeader3(
      Pointer handle,
      Pointer jpeg,
      NativeLong size,
      Pointer width,
      Pointer height,
      Pointer subsampling,
      Pointer colorspace);

  private static native int tjDecompress2(
      Pointer handle,
      Pointer jpeg,
      NativeLong size,
      Pointer pixels,
      int width,
      int pitch,
      int height,
      int format,
      int flags);

  private static native int tjCompress2(
      Pointer handle,
      Pointer pixels,
      int width,
      int pitch,
      int height,
      int format,
      Pointer jpeg,
      Pointer size,
      int subsampling,
      int quality,
      int flags);

  private static native NativeLong tjBufSize(int width, int height, int subsampling);

  private static native int tjDestroy(Pointer handle);

  /** Whether libjpeg-turbo was found on this machine. */
  static boolean available() {
    return AVAILABLE;
  }

  /**
   * A decoded JPEG and the scale it was decoded at.
   *
   * @param pixels the RGB pixels
   * @param denominator 1, 2, 4 or 8: the image is {@code 1/denominator} of its stored size, each
   *     side rounded up
   * @param storedWidth the width the file stores
   * @param storedHeight the height the file stores
   */
  record Decoded(Pixels pixels, int denominator, int storedWidth, int storedHeight) {}

  /**
   * The JPEG decoded at a reduced scale, or empty when the library is missing, the file is not a
   * JPEG it decodes cleanly, or its colour space (CMYK) does not turn into RGB.
   *
   * @param reduction given the stored width and height, by how much the image may shrink; the
   *     decoder uses the largest of 8, 4, 2 and 1 that is not above it, and rounds sizes up
   */
  static Optional<Decoded> decodePixels(ByteBuffer jpeg, IntBinaryOperator reduction) {
    return AVAILABLE ? CODECS.get().decode(jpeg, reduction) : Optional.empty();
  }

  /** {@link #decodePixels}, as a {@link BufferedImage}. */
  static Optional<BufferedImage> decode(byte[] jpeg, IntBinaryOperator reduction) {
    return decodePixels(ByteBuffer.wrap(jpeg), reduction)
        .map(decoded -> decoded.pixels().toImage());
  }

  /**
   * RGB pixels encoded as a baseline JPEG with 4:2:0 chroma, or empty when the library is missing
   * or fails.
   */
  static Optional<byte[]> encode(Pixels rgb, int quality) {
    if (!AVAILABLE || rgb.channels() != 3) {
      return Optional.empty();
    }
    return CODECS.get().encode(rgb, quality);
  }

  /** One thread's handles and buffers; the cleaner frees the handles when the thread is gone. */
  private static final class Codec {
    private final Handles handles = new Handles(tjInitDecompress(), tjInitCompress());
    private final Memory scratch = new Memory(32);
    private Memory input = new Memory(64 << 10);
    private Memory pixels = new Memory(1 << 20);
    private Memory output = new Memory(64 << 10);

    Codec() {
      CLEANER.register(this, handles);
    }

    Optional<Decoded> decode(ByteBuffer jpeg, IntBinaryOperator reduction) {
      int length = jpeg.limit();
      if (handles.decompress == null || length == 0) {
        return Optional.empty();
      }
      // A direct buffer is read where it is; heap bytes are copied into native memory once.
      Pointer source;
      if (jpeg.isDirect()) {
        source = Native.getDirectBufferPointer(jpeg);
      } else {
        input = atLeast(input, length);
        input.write(0, jpeg.array(), jpeg.arrayOffset(), length);
        source = input;
      }
      NativeLong size = new NativeLong(length);
      if (tjDecompressHeader3(
              handles.decompress,
              source,
              size,
              scratch,
              scratch.share(4),
              scratch.share(8),
              scratch.share(12))
          != 0) {
        return Optional.empty();
      }
      int width = scratch.getInt(0);
      int height = scratch.getInt(4);
      int denominator =
          Integer.highestOneBit(Math.max(1, Math.min(8, reduction.applyAsInt(width, height))));
      int w = (width + denominator - 1) / denominator;
      int h = (height + denominator - 1) / denominator;
      long bytes = (long) w * h * 3;
      if (bytes > Integer.MAX_VALUE - 16) {
        return Optional.empty();
      }
      pixels = atLeast(pixels, bytes);
      int status =
          tjDecompress2(
              handles.decompress,
              source,
              size,
              pixels,
              w,
              w * 3,
              h,
              PIXELS_RGB,
              STOP_ON_WARNING | LIMIT_SCANS);
      if (status != 0) {
        return Optional.empty();
      }
      byte[] rgb = new byte[(int) bytes];
      pixels.read(0, rgb, 0, rgb.length);
      return Optional.of(new Decoded(new Pixels(w, h, 3, rgb), denominator, width, height));
    }

    Optional<byte[]> encode(Pixels rgb, int quality) {
      if (handles.compress == null) {
        return Optional.empty();
      }
      int w = rgb.width();
      int h = rgb.height();
      byte[] data = rgb.data();
      pixels = atLeast(pixels, data.length);
      pixels.write(0, data, 0, w * h * 3);
      long capacity = tjBufSize(w, h, SUBSAMPLING_420).longValue();
      if (capacity <= 0 || capacity > Integer.MAX_VALUE - 16) {
        return Optional.empty();
      }
      output = atLeast(output, capacity);
      scratch.setPointer(16, output);
      scratch.setNativeLong(24, new NativeLong(output.size()));
      int status =
          tjCompress2(
              handles.compress,
              pixels,
              w,
              w * 3,
              h,
              PIXELS_RGB,
              scratch.share(16),
              scratch.share(24),
              SUBSAMPLING_420,
              quality,
              NO_REALLOC);
      if (status != 0) {
        return Optional.empty();
      }
      long size = scratch.getNativeLong(24).longValue();
      return Optional.of(output.getByteArray(0, (int) size));
    }

    private static Memory atLeast(Memory memory, long size) {
      return memory.size() >= size ? memory : new Memory(Math.max(size, memory.size() * 2));
    }
  }

  /** The native handles of a thread's codec, destroyed once it is unreachable. */
  private record Handles(Pointer decompress, Pointer compress) implements Runnable {
    @Override
    public void run() {
      if (decompress != null) {
        tjDestroy(decompress);
      }
      if (compress != null) {
        tjDestroy(compress);
      }
    }
  }
}
