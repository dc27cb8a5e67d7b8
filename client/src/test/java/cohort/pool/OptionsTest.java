package cohort.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {

  /** Tests that the defaults leave every option unset, ship code and name no jars. */
  @Test
  void defaultsLeaveEverythingUnset() {
    Options options = Options.defaults();
    assertThat(options.ordered()).isNull();
    assertThat(options.batch()).isNull();
    assertThat(options.retries()).isNull();
    assertThat(options.maxAttempts()).isNull();
    assertThat(options.taskTimeout()).isNull();
    assertThat(options.combine()).isNull();
    assertThat(options.params()).isNull();
    assertThat(options.jars()).isEmpty();
    assertThat(options.ship()).isTrue();
  }

  /** Tests that each method returns a new object with its option set and leaves the original. */
  @Test
  void methodsReturnCopiesAndLeaveTheOriginal(@TempDir Path dir) throws Exception {
    Path jar = Files.writeString(dir.resolve("lib.jar"), "not really a jar");
    Object params = new Object();
    Options base = Options.defaults();
    Options set =
        base.unordered()
            .batch(7)
            .retries(2)
            .maxAttempts(5)
            .taskTimeout(Duration.ofSeconds(3))
            .combine("sum")
            .params(params)
            .jars(jar)
            .installed();

    assertThat(set).isNotSameAs(base);
    assertThat(set.ordered()).isFalse();
    assertThat(set.batch()).isEqualTo(7);
    assertThat(set.retries()).isEqualTo(2);
    assertThat(set.maxAttempts()).isEqualTo(5);
    assertThat(set.taskTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(set.combine()).isEqualTo("sum");
    assertThat(set.params()).isSameAs(params);
    assertThat(set.jars()).containsExactly(jar);
    assertThat(set.ship()).isFalse();

    assertThat(Options.defaults()).isSameAs(base);
    assertThat(base.ordered()).isNull();
    assertThat(base.batch()).isNull();
    assertThat(base.retries()).isNull();
    assertThat(base.maxAttempts()).isNull();
    assertThat(base.taskTimeout()).isNull();
    assertThat(base.combine()).isNull();
    assertThat(base.params()).isNull();
    assertThat(base.jars()).isEmpty();
    assertThat(base.ship()).isTrue();
  }

  /** Tests that each step of a chain leaves the step before it as it was. */
  @Test
  void eachStepIsUnchangedByTheNext() {
    Options ordered = Options.defaults().ordered(true);
    Options batched = ordered.batch(3);
    Options rebatched = batched.batch(9);

    assertThat(ordered.ordered()).isTrue();
    assertThat(ordered.batch()).isNull();
    assertThat(batched.batch()).isEqualTo(3);
    assertThat(rebatched.batch()).isEqualTo(9);
    assertThat(rebatched.ordered()).isTrue();
  }

  /** Tests that jars add up in order and the list given out cannot change. */
  @Test
  void jarsAddUpInOrder(@TempDir Path dir) throws Exception {
    Path a = Files.writeString(dir.resolve("a.jar"), "a");
    Path b = Files.writeString(dir.resolve("b.jar"), "b");
    Path c = Files.writeString(dir.resolve("c.jar"), "c");
    Options first = Options.defaults().jars(a, b);
    Options second = first.jars(c);

    assertThat(first.jars()).containsExactly(a, b);
    assertThat(second.jars()).containsExactly(a, b, c);
    assertThatThrownBy(() -> second.jars().add(a))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  /** Tests the messages for batch, retries and maxAttempts out of range, and their bounds. */
  @Test
  void refusesCountsOutOfRange() {
    Options options = Options.defaults();
    assertThatThrownBy(() -> options.batch(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch is 0; give 1 or more inputs per batch");
    assertThatThrownBy(() -> options.retries(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retries is -1; give 0 to 100");
    assertThatThrownBy(() -> options.retries(101)).hasMessage("retries is 101; give 0 to 100");
    assertThatThrownBy(() -> options.maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts is 0; give 1 to 100");
    assertThatThrownBy(() -> options.maxAttempts(101))
        .hasMessage("maxAttempts is 101; give 1 to 100");

    assertThat(options.batch(1).batch()).isEqualTo(1);
    assertThat(options.retries(0).retries()).isZero();
    assertThat(options.retries(Options.MAX_RUNS).retries()).isEqualTo(100);
    assertThat(options.maxAttempts(1).maxAttempts()).isEqualTo(1);
    assertThat(options.maxAttempts(Options.MAX_RUNS).maxAttempts()).isEqualTo(100);
  }

  /** Tests that a task timeout must be at least 1 ms, and null is refused by name. */
  @Test
  void refusesTimeoutsBelowOneMillisecond() {
    Options options = Options.defaults();
    assertThatThrownBy(() -> options.taskTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("taskTimeout is PT0S; give a positive time of at least 1 ms");
    assertThatThrownBy(() -> options.taskTimeout(Duration.ofSeconds(-1)))
        .hasMessage("taskTimeout is PT-1S; give a positive time of at least 1 ms");
    assertThatThrownBy(() -> options.taskTimeout(Duration.ofNanos(999_999)))
        .hasMessage("taskTimeout is PT0.000999999S; give a positive time of at least 1 ms");
    assertThatThrownBy(() -> options.taskTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("taskTimeout");
    assertThat(options.taskTimeout(Duration.ofMillis(1)).taskTimeout())
        .isEqualTo(Duration.ofMillis(1));
  }

  /** Tests that combine takes the known combiners only. */
  @Test
  void refusesUnknownCombiners() {
    Options options = Options.defaults();
    assertThatThrownBy(() -> options.combine("avg"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("combine is 'avg'; give one of sum, count, min, max or none");
    assertThatThrownBy(() -> options.combine(null))
        .hasMessage("combine is 'null'; give one of sum, count, min, max or none");
    assertThatThrownBy(() -> options.combine("SUM")).hasMessageStartingWith("combine is 'SUM'");
    for (String name : new String[] {"sum", "count", "min", "max", "none"}) {
      assertThat(options.combine(name).combine()).isEqualTo(name);
    }
  }

  /** Tests that null params are refused, saying to leave them out. */
  @Test
  void refusesNullParams() {
    assertThatThrownBy(() -> Options.defaults().params(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("params is null; leave it out for the task's defaults");
  }

  /** Tests that a jar that is not a file is refused by path and the original keeps no jars. */
  @Test
  void refusesJarsThatAreNotFiles(@TempDir Path dir) throws Exception {
    Path good = Files.writeString(dir.resolve("good.jar"), "x");
    Path missing = dir.resolve("missing.jar");
    Options options = Options.defaults();

    assertThatThrownBy(() -> options.jars(good, missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(missing + ": no such jar file");
    assertThatThrownBy(() -> options.jars(dir)).hasMessage(dir + ": no such jar file");
    assertThat(options.jars()).isEmpty();
  }
}
