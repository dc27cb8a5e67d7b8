package cohort.node.tasks.thumbnail;

/**
 * Reads a JPEG's EXIF orientation (tag 0x0112 of the first image directory) from its header
 * segments, touching nothing past the first APP1 "Exif" segment: a few hundred bytes, where a
 * general metadata reader builds objects for every tag of every segment.
 */
final class Exif {

  private Exif() {}

  /**
   * The orientation, 1 to 8, or 0 when the file is not a JPEG, has no EXIF orientation, or its EXIF
   * cannot be read (the image then stays as stored).
   */
  static int orientation(byte[] jpeg) {
    return orientation(java.nio.ByteBuffer.wrap(jpeg));
  }

  /** {@link #orientation(byte[])} of the bytes from 0 to the buffer's limit. */
  static int orientation(java.nio.ByteBuffer jpeg) {
    int end = jpeg.limit();
    if (end < 4 || (jpeg.get(0) & 0xff) != 0xff || (jpeg.get(1) & 0xff) != 0xd8) {
      return 0;
    }
    int at = 2;
    while (at + 4 <= end) {
      if ((jpeg.get(at) & 0xff) != 0xff) {
        return 0;
      }
      int marker = jpeg.get(at + 1) & 0xff;
      if (marker == 0xff) {
        at++; // fill byte
        continue;
      }
      if (marker == 0xda || marker == 0xd9) {
        return 0; // image data starts: no EXIF before it
      }
      int length = u16(jpeg, at + 2, false);
      int start = at + 4;
      if (length < 2 || start + length - 2 > end) {
        return 0;
      }
      if (marker == 0xe1 && length >= 8 && isExif(jpeg, start)) {
        return tiffOrientation(jpeg, start + 6, start + length - 2);
      }
      at += 2 + length;
    }
    return 0;
  }

  private static boolean isExif(java.nio.ByteBuffer b, int at) {
    return b.get(at) == 'E'
        && b.get(at + 1) == 'x'
        && b.get(at + 2) == 'i'
        && b.get(at + 3) == 'f'
        && b.get(at + 4) == 0
        && b.get(at + 5) == 0;
  }

  /** The orientation in the TIFF structure at {@code [tiff, end)}; 0 when absent or unreadable. */
  private static int tiffOrientation(java.nio.ByteBuffer b, int tiff, int end) {
    if (tiff + 8 > end) {
      return 0;
    }
    boolean little;
    if (b.get(tiff) == 'I' && b.get(tiff + 1) == 'I') {
      little = true;
    } else if (b.get(tiff) == 'M' && b.get(tiff + 1) == 'M') {
      little = false;
    } else {
      return 0;
    }
    long ifd = u32(b, tiff + 4, little);
    if (ifd < 8 || tiff + ifd + 2 > end) {
      return 0;
    }
    int dir = tiff + (int) ifd;
    int entries = u16(b, dir, little);
    for (int i = 0; i < entries; i++) {
      int entry = dir + 2 + i * 12;
      if (entry + 12 > end) {
        return 0;
      }
      if (u16(b, entry, little) == 0x0112) {
        int type = u16(b, entry + 2, little);
        int value = type == 3 ? u16(b, entry + 8, little) : (int) u32(b, entry + 8, little);
        return value >= 1 && value <= 8 ? value : 0;
      }
    }
    return 0;
  }

  private static int u16(java.nio.ByteBuffer b, int at, boolean little) {
    int x = b.get(at) & 0xff;
    int y = b.get(at + 1) & 0xff;
    return little ? (y << 8) | x : (x << 8) | y;
  }

  private static long u32(java.nio.ByteBuffer b, int at, boolean little) {
    long hi = u16(b, at + (little ? 2 : 0), little);
    long lo = u16(b, at + (little ? 0 : 2), little);
    return (hi << 16) | lo;
  }
}
