package cohort.node.tasks.thumbnail;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.node.tasks.TestContexts;
import cohort.task.FileRef;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The thumbnail task's sizes against Pillow's own {@code thumbnail()}, run as the oracle. */
class PillowGeometryTest {

  /**
   * Tests that every thumbnail has the size Pillow gives the same file in the same box: generated
   * JPEGs of many sizes (large ones decoded at reduced scale, small ones left as they are), boxes
   * of many shapes, and EXIF orientations that turn the image.
   */
  @Test
  void sizesEqualPillowsThumbnail(@TempDir Path dir) throws Exception {
    PillowOracle.assumePresent();
    Random random = new Random(12);
    List<int[]> cases = new ArrayList<>();
    cases.add(new int[] {1599, 1201, 75, 75, 1}); // 75x57 before Cohort followed Pillow's rounding
    cases.add(new int[] {1600, 1200, 75, 75, 1});
    cases.add(new int[] {1201, 1599, 75, 75, 6});
    cases.add(new int[] {3000, 7, 75, 75, 1});
    cases.add(new int[] {7, 3000, 75, 75, 8});
    cases.add(new int[] {40, 30, 75, 75, 1});
    cases.add(new int[] {80, 30, 75, 75, 1});
    cases.add(new int[] {999, 333, 128, 64, 5});
    for (int i = 0; i < 56; i++) {
      int w = 1 + random.nextInt(i % 4 == 0 ? 2400 : 600);
      int h = 1 + random.nextInt(i % 4 == 1 ? 2400 : 600);
      int bw = 1 + random.nextInt(i % 3 == 0 ? 40 : 300);
      int bh = random.nextBoolean() ? bw : 1 + random.nextInt(300);
      int orientation = i % 3 == 0 ? 1 + random.nextInt(8) : 1;
      cases.add(new int[] {w, h, bw, bh, orientation});
    }
    List<Path> files = new ArrayList<>();
    List<Box> boxes = new ArrayList<>();
    List<int[]> ours = new ArrayList<>();
    ThumbnailTask task = new ThumbnailTask();
    for (int i = 0; i < cases.size(); i++) {
      int[] c = cases.get(i);
      byte[] jpeg =
          ThumbnailTaskTest.encode(
              ThumbnailTaskTest.picture(c[0], c[1], BufferedImage.TYPE_INT_RGB), "jpg");
      if (c[4] != 1) {
        jpeg = ThumbnailTaskTest.withOrientation(jpeg, c[4]);
      }
      Path file = dir.resolve("case-" + i + ".jpg");
      Files.write(file, jpeg);
      files.add(file);
      Box box = new Box(c[2], c[3]);
      boxes.add(box);
      Thumbnail thumb =
          task.run(
              new FileRef(file.getFileName().toString(), "b", null, (long) jpeg.length),
              new ThumbnailParams(box.toString(), "png", null, null),
              TestContexts.reading(jpeg));
      ours.add(new int[] {thumb.width(), thumb.height()});
    }
    List<int[]> pillow = PillowOracle.thumbnailSizes(files, boxes);
    assertThat(pillow).hasSameSizeAs(ours);
    for (int i = 0; i < ours.size(); i++) {
      int[] c = cases.get(i);
      assertThat(ours.get(i))
          .as("%dx%d with EXIF orientation %d in a %dx%d box", c[0], c[1], c[4], c[2], c[3])
          .containsExactly(pillow.get(i));
    }
  }
}
