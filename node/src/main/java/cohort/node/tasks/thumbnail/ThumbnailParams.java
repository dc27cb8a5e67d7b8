package cohort.node.tasks.thumbnail;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Locale;
import java.util.Set;

/**
 * Parameters of the thumbnail task.
 *
 * @param size the box to fit, {@code WxH}
 * @param format the thumbnails' format: jpg, png, gif or bmp
 * @param quality JPEG quality, 1 to 100
 * @param out a folder the node writes thumbnails to itself (shared storage); without it the
 *     thumbnail's bytes go back to the client
 */
public record ThumbnailParams(
    @JsonPropertyDescription("the box to fit, WIDTHxHEIGHT (default 75x75)") String size,
    @JsonPropertyDescription("jpg, png, gif or bmp (default jpg)") String format,
    @JsonPropertyDescription("JPEG quality 1-100 (default 85)") Integer quality,
    @JsonPropertyDescription("folder on shared storage where nodes write thumbnails") String out) {

  static final Set<String> FORMATS = Set.of("jpg", "png", "gif", "bmp");

  public ThumbnailParams {
    size = size == null ? "75x75" : size;
    format = format == null ? "jpg" : format.toLowerCase(Locale.ROOT).replace("jpeg", "jpg");
    quality = quality == null ? 85 : quality;
  }

  /** Checks every parameter, naming the bad one. */
  void check() {
    Box.parse(size);
    if (!FORMATS.contains(format)) {
      throw new IllegalArgumentException(
          "format '" + format + "' is not one of jpg, png, gif, bmp");
    }
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("quality " + quality + " is out of range: use 1 to 100");
    }
  }

  Box box() {
    return Box.parse(size);
  }
}
