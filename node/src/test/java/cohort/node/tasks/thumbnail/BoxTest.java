package cohort.node.tasks.thumbnail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BoxTest {

  /** Tests that an image fits the box with its aspect ratio kept. */
  @Test
  void fitsKeepingTheAspectRatio() {
    Box box = new Box(75, 75);
    assertThat(box.fit(1600, 1200)).containsExactly(75, 56);
    assertThat(box.fit(1200, 1600)).containsExactly(56, 75);
    assertThat(new Box(200, 100).fit(1000, 1000)).containsExactly(100, 100);
    assertThat(box.fit(10_000, 10)).containsExactly(75, 1);
  }

  /** Tests that a small image is not blown up. */
  @Test
  void neverEnlarges() {
    assertThat(new Box(75, 75).fit(40, 30)).containsExactly(40, 30);
  }

  /** Tests that decoding skips pixels only while twice the thumbnail's pixels remain, at most 8. */
  @Test
  void subsamplesLikeDraftMode() {
    Box box = new Box(75, 75);
    assertThat(box.subsampling(1600, 1200)).isEqualTo(8);
    assertThat(box.subsampling(600, 450)).isEqualTo(4);
    assertThat(box.subsampling(200, 150)).isEqualTo(1);
    assertThat(box.subsampling(40, 30)).isEqualTo(1);
    assertThat(new Box(800, 800).subsampling(1600, 1200)).isEqualTo(1);
  }

  /** Tests the size parameter's forms and its errors. */
  @Test
  void parsesSizes() {
    assertThat(Box.parse("75x50")).isEqualTo(new Box(75, 50));
    assertThat(Box.parse("128")).isEqualTo(new Box(128, 128));
    assertThat(Box.parse(" 20X10 ")).isEqualTo(new Box(20, 10));
    assertThatThrownBy(() -> Box.parse("big")).hasMessageContaining("not WIDTHxHEIGHT");
    assertThatThrownBy(() -> Box.parse("0x5")).hasMessageContaining("out of range");
  }
}
