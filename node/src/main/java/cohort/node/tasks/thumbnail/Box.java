package cohort.node.tasks.thumbnail;

/**
 * The geometry of a thumbnail: the box it must fit, how an image fits it, and how coarsely an image
 * may be decoded on the way. Pure arithmetic, tested alone.
 *
 * @param width the box's width in pixels
 * @param height the box's height in pixels
 */
public record Box(int width, int height) {

  /** The largest box side accepted. */
  public static final int MAX_SIDE = 10_000;

  public Box {
    if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
      throw new IllegalArgumentException(
          "size "
              + width
              + "x"
              + height
              + " is out of range: use 1x1 to "
              + MAX_SIDE
              + "x"
              + MAX_SIDE);
    }
  }

  /**
   * Parses {@code WxH} or a single number for a square.
   *
   * @throws IllegalArgumentException with the accepted forms
   */
  public static Box parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      int x = value.indexOf('x');
      if (x < 0) {
        int side = Integer.parseInt(value);
        return new Box(side, side);
      }
      return new Box(
          Integer.parseInt(value.substring(0, x)), Integer.parseInt(value.substring(x + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "size '" + text + "' is not WIDTHxHEIGHT; for example 75x75, or 128 for a square");
    }
  }

  /**
   * The size an image of {@code w x h} gets in this box, exactly as Pillow's {@code
   * Image.thumbnail()} computes it: as large as fits, keeping its aspect ratio, never larger than
   * it is (an image that fits is left as it is), at least 1 pixel a side. The side that does not
   * fill the box is rounded down or up, whichever keeps the aspect ratio closer (down on a tie).
   */
  public int[] fit(int w, int h) {
    if (width >= w && height >= h) {
      return new int[] {w, h};
    }
    double aspect = (double) w / h;
    if ((double) width / height >= aspect) {
      double exact = height * aspect;
      int down = (int) Math.floor(exact);
      int up = (int) Math.ceil(exact);
      int x =
          Math.abs(aspect - (double) down / height) <= Math.abs(aspect - (double) up / height)
              ? down
              : up;
      return new int[] {Math.max(x, 1), height};
    }
    double exact = width / aspect;
    int down = (int) Math.floor(exact);
    int up = (int) Math.ceil(exact);
    double byDown = down == 0 ? 0 : Math.abs(aspect - (double) width / down);
    double byUp = up == 0 ? 0 : Math.abs(aspect - (double) width / up);
    return new int[] {width, Math.max(byDown <= byUp ? down : up, 1)};
  }

  /**
   * How many source pixels the decoder may skip in each direction, the way Pillow's draft mode
   * decodes JPEGs at reduced resolution: as coarse as leaves at least twice the thumbnail's pixels
   * on each side, so the final downscale still averages and does not alias; at most 8.
   */
  public int subsampling(int w, int h) {
    int[] target = fit(w, h);
    int byWidth = w / (2 * target[0]);
    int byHeight = h / (2 * target[1]);
    return Math.max(1, Math.min(8, Math.min(byWidth, byHeight)));
  }

  @Override
  public String toString() {
    return width + "x" + height;
  }
}
