package cohort.node.tasks.thumbnail;

import cohort.protocol.Payloads;
import cohort.task.FileRef;
import cohort.task.Task;
import cohort.task.TaskContext;
import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.jpeg.JpegProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
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
import java.util.function.IntBinaryOperator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import net.coobird.thumbnailator.Thumbnails;
import net.coobird.thumbnailator.util.exif.ExifFilterUtils;
import net.coobird.thumbnailator.util.exif.Orientation;

/**
 * Scales an image to fit a box, keeping its aspect ratio: the thumbnail example of the
 * multiprocessing documents. Reads whatever ImageIO reads (JPEG, PNG, GIF, BMP, ...), applies the
 * EXIF orientation, decodes at reduced resolution when the image is much larger than the thumbnail
 * (JPEGs in the decoder itself with libjpeg-turbo where installed, as Pillow's draft mode does),
 * and downscales with Thumbnailator's quality resampling. A file that is not an image, or a
 * truncated one, fails alone.
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
  public Thumbnail run(FileRef file, ThumbnailParams params, TaskContext context)
      throws IOException {
    byte[] bytes = context.read(file);
    BufferedImage image = decode(bytes, file.name(), params.box());
    context.checkCancelledUnchecked();
    int[] size = params.box().fit(image.getWidth(), image.getHeight());
    if ("jpg".equals(params.format()) && image.getColorModel().hasAlpha()) {
      image = flatten(image);
    }
    ByteArrayOutputStream encoded = new ByteArrayOutputStream(16 * 1024);
    // Resample in true colour: palette images (GIF, 1-bit PNG) would otherwise keep their palette.
    int type =
        image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
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
    if (encoded.size() > MAX_RETURNED_BYTES) {
      throw new IOException(
          file.name()
              + ": its "
              + size[0]
              + "x"
              + size[1]
              + " "
              + params.format()
              + " thumbnail is "
              + encoded.size() / 1024
              + " KiB, more than the "
              + MAX_RETURNED_BYTES / 1024
              + " KiB a result may carry back through the cluster; use --shared-fs (nodes then"
              + " write thumbnails into --out themselves), a smaller -p size"
              + (params.format().equals("jpg") ? "" : ", or -p format=jpg"));
    }
    return new Thumbnail(name, size[0], size[1], params.format(), encoded.toByteArray(), null);
  }

  /**
   * The largest thumbnail returned inside a result: a cluster message's limit, less room for the
   * result's other fields.
   */
  static final int MAX_RETURNED_BYTES = Payloads.MAX_VALUE_BYTES - 8 * 1024;

  /**
   * Decodes an image, at reduced resolution where it is much larger than the thumbnail, and turns
   * it upright as its EXIF orientation says. JPEGs decode with libjpeg-turbo's DCT scaling when the
   * library is installed, otherwise (and for other formats) with ImageIO's source subsampling.
   */
  static BufferedImage decode(byte[] bytes, String name, Box box) throws IOException {
    boolean jpeg = bytes.length > 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8;
    Orientation orientation = jpeg ? orientation(bytes) : null;
    boolean turned = orientation != null && orientation.ordinal() >= Orientation.LEFT_TOP.ordinal();
    IntBinaryOperator reduction = (w, h) -> turned ? box.subsampling(h, w) : box.subsampling(w, h);
    BufferedImage image = null;
    if (jpeg) {
      image = TurboJpeg.decode(bytes, reduction).orElse(null);
    }
    if (image == null) {
      image = decodeWithImageIo(bytes, name, reduction);
    }
    if (orientation != null && orientation != Orientation.TOP_LEFT) {
      image = ExifFilterUtils.getFilterForOrientation(orientation).apply(image);
    }
    return image;
  }

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

  /**
   * A JPEG's EXIF orientation, read from its header segments only; null when it has none or it
   * cannot be read (the image then stays as stored).
   */
  static Orientation orientation(byte[] jpeg) {
    try {
      Metadata metadata =
          JpegMetadataReader.readMetadata(
              new ByteArrayInputStream(jpeg), List.of(new ExifReader()));
      ExifIFD0Directory exif = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
      if (exif == null || !exif.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
        return null;
      }
      return Orientation.typeOf(exif.getInt(ExifIFD0Directory.TAG_ORIENTATION));
    } catch (JpegProcessingException | MetadataException | IOException | RuntimeException e) {
      return null;
    }
  }

  /** Paints an image with transparency on white, for formats without it. */
  private static BufferedImage flatten(BufferedImage image) {
    BufferedImage flat =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = flat.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return flat;
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
