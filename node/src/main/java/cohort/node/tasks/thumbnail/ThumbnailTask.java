package cohort.node.tasks.thumbnail;

import cohort.protocol.Payloads;
import cohort.task.FileRef;
import cohort.task.Task;
import cohort.task.TaskContext;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntBinaryOperator;
import net.coobird.thumbnailator.util.exif.Orientation;

/**
 * Scales an image to fit a box, keeping its aspect ratio: the thumbnail example of the
 * multiprocessing documents, with the sizes Pillow's {@code Image.thumbnail()} gives. Reads
 * whatever ImageIO reads (JPEG, PNG, GIF, BMP, ...), applies the EXIF orientation, decodes at
 * reduced resolution when the image is much larger than the thumbnail (JPEGs in the decoder itself
 * with libjpeg-turbo where installed, as Pillow's draft mode does), and resamples as Pillow's
 * bicubic filter does ({@link Thumbnailer} holds the stages). A file that is not an image, or a
 * truncated one, fails alone.
 */
public final class ThumbnailTask implements Task<FileRef, ThumbnailParams, Thumbnail> {

  @Override
  public String name() {
    return "thumbnail";
  }

  @Override
  public String description() {
    return "scales an image file to fit -p size=WxH keeping its aspect ratio (use --dir and --out)";
  }

  @Override
  public Class<FileRef> inputType() {
    return FileRef.class;
  }

  @Override
  public Class<ThumbnailParams> paramsType() {
    return ThumbnailParams.class;
  }

  @Override
  public void validate(ThumbnailParams params) {
    params.check();
  }

  @Override
  public Thumbnail run(FileRef file, ThumbnailParams params, TaskContext context)
      throws IOException {
    ByteBuffer bytes = Thumbnailer.read(file, context);
    Box box = params.box();
    int orientation = Thumbnailer.orientation(bytes);
    Thumbnailer.Decoded decoded = Thumbnailer.decode(bytes, file.name(), box, orientation);
    context.checkCancelledUnchecked();
    Pixels thumb = Thumbnailer.resize(decoded, box, orientation);
    byte[] encoded = Thumbnailer.encode(thumb, params.format(), params.quality());
    String name = renamed(file.name(), params.format());
    if (params.out() != null) {
      Path target = Path.of(params.out()).resolve(name).normalize();
      if (!target.startsWith(Path.of(params.out()).normalize())) {
        throw new IOException(file.name() + ": its name leads outside the out folder");
      }
      Files.createDirectories(target.getParent());
      Thumbnailer.write(target, encoded);
      return new Thumbnail(
          name, thumb.width(), thumb.height(), params.format(), null, target.toString());
    }
    if (encoded.length > MAX_RETURNED_BYTES) {
      throw new IOException(
          file.name()
              + ": its "
              + thumb.width()
              + "x"
              + thumb.height()
              + " "
              + params.format()
              + " thumbnail is "
              + encoded.length / 1024
              + " KiB, more than the "
              + MAX_RETURNED_BYTES / 1024
              + " KiB a result may carry back through the cluster; use --shared-fs (nodes then"
              + " write thumbnails into --out themselves), a smaller -p size"
              + (params.format().equals("jpg") ? "" : ", or -p format=jpg"));
    }
    return new Thumbnail(name, thumb.width(), thumb.height(), params.format(), encoded, null);
  }

  /**
   * The largest thumbnail returned inside a result: a cluster message's limit, less room for the
   * result's other fields.
   */
  static final int MAX_RETURNED_BYTES = Payloads.MAX_VALUE_BYTES - 8 * 1024;

  static BufferedImage decodeWithImageIo(byte[] bytes, String name, IntBinaryOperator reduction)
      throws IOException {
    return Thumbnailer.decodeWithImageIo(bytes, name, reduction);
  }

  /**
   * A JPEG's EXIF orientation, read from its header segments only; null when it has none or it
   * cannot be read (the image then stays as stored).
   */
  static Orientation orientation(byte[] jpeg) {
    int orientation = Exif.orientation(jpeg);
    return orientation == 0 ? null : Orientation.typeOf(orientation);
  }

  /**
   * The thumbnail's name: the input's name when its extension already means the format, otherwise
   * the input's whole name with the format's extension added ({@code x.png} becomes {@code
   * x.png.jpg}), so that {@code x.png} and {@code x.jpg} never overwrite each other's thumbnail.
   */
  static String renamed(String name, String format) {
    int dot = name.lastIndexOf('.');
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    String extension = dot > slash ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    boolean same = extension.equals(format) || (format.equals("jpg") && extension.equals("jpeg"));
    return same ? name : name + "." + format;
  }
}
