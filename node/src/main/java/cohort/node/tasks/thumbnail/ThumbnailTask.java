package cohort.node.tasks.thumbnail;

import cohort.messages.task.FileRef;
import cohort.messages.task.Task;
import cohort.messages.task.TaskContext;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import net.coobird.thumbnailator.Thumbnails;
import net.coobird.thumbnailator.util.exif.ExifFilterUtils;
import net.coobird.thumbnailator.util.exif.ExifUtils;
import net.coobird.thumbnailator.util.exif.Orientation;

/**
 * Scales an image to fit a box, keeping its aspect ratio: the thumbnail example of the
 * multiprocessing documents. Reads whatever ImageIO reads (JPEG, PNG, GIF, BMP, ...), applies the
 * EXIF orientation, decodes at reduced resolution when the image is much larger than the
 * thumbnail (as Pillow's draft mode does for JPEG), and downscales with Thumbnailator's
 * quality resampling. A file that is not an image, or a truncated one, fails alone.
 */
public final class ThumbnailTask implements Task<FileRef, ThumbnailParams, Thumbnail> {

  static {
    ImageIO.setUseCache(false);
  }

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
  public Thumbnail run(FileRef file, ThumbnailParams params, TaskContext context) throws IOException {
    byte[] bytes = context.read(file);
    BufferedImage image = decode(bytes, file.name(), params.box());
    context.checkCancelledUnchecked();
    int[] size = params.box().fit(image.getWidth(), image.getHeight());
    if ("jpg".equals(params.format()) && image.getColorModel().hasAlpha()) {
      image = flatten(image);
    }
    ByteArrayOutputStream encoded = new ByteArrayOutputStream(16 * 1024);
    // Resample in true colour: palette images (GIF, 1-bit PNG) would otherwise keep their palette.
    int type = image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    Thumbnails.of(image)
        .forceSize(size[0], size[1])
        .imageType(type)
        .outputFormat(params.format())
        .outputQuality(params.quality() / 100f)
        .toOutputStream(encoded);
    String name = renamed(file.name(), params.format());
    if (params.out() != null) {
      Path target = Path.of(params.out()).resolve(name).normalize();
      if (!target.startsWith(Path.of(params.out()).normalize())) {
        throw new IOException(file.name() + ": its name leads outside the out folder");
      }
      Files.createDirectories(target.getParent());
      Files.write(target, encoded.toByteArray());
      return new Thumbnail(name, size[0], size[1], params.format(), null, target.toString());
    }
    return new Thumbnail(name, size[0], size[1], params.format(), encoded.toByteArray(), null);
  }

  /**
   * Decodes an image, skipping source pixels where it is much larger than the thumbnail, and
   * turns it upright as its EXIF orientation says.
   */
  static BufferedImage decode(byte[] bytes, String name, Box box) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new IOException(name + " is not an image Cohort can read (JPEG, PNG, GIF, BMP, WBMP)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, false);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        Orientation orientation = orientation(reader);
        boolean turned = orientation != null && orientation.ordinal() >= Orientation.LEFT_TOP.ordinal();
        int skip = turned ? box.subsampling(height, width) : box.subsampling(width, height);
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(skip, skip, 0, 0);
        BufferedImage image = reader.read(0, param);
        if (!warnings.isEmpty()) {
          throw new IOException(name + " is truncated or corrupt: " + warnings.get(0));
        }
        if (orientation != null && orientation != Orientation.TOP_LEFT) {
          image = ExifFilterUtils.getFilterForOrientation(orientation).apply(image);
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

  /** The EXIF orientation of a JPEG; null for other formats or when there is none. */
  private static Orientation orientation(ImageReader reader) {
    try {
      if (!reader.getFormatName().toLowerCase(Locale.ROOT).contains("jpeg")) {
        return null;
      }
      return ExifUtils.getExifOrientation(reader, 0);
    } catch (IOException | RuntimeException e) {
      return null; // no or unreadable EXIF: the image stays as stored
    }
  }

  /** Paints an image with transparency on white, for formats without it. */
  private static BufferedImage flatten(BufferedImage image) {
    BufferedImage flat = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = flat.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return flat;
  }

  /** The input's name with the format's extension, unless it already has one that means it. */
  static String renamed(String name, String format) {
    int dot = name.lastIndexOf('.');
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    String base = dot > slash ? name.substring(0, dot) : name;
    String extension = dot > slash ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    boolean same = extension.equals(format) || (format.equals("jpg") && extension.equals("jpeg"));
    return same ? name : base + "." + format;
  }
}
