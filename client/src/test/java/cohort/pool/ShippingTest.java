package cohort.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippingTest {

  private static final String FIX =
      "; a node makes the task from its class with a public constructor without arguments, so"
          + " declare it as a public top-level (or static nested) class";

  /** A task a node can make. */
  public static class Shippable implements Task<String, NoParams, String> {
    @Override
    public String name() {
      return "shippable";
    }

    @Override
    public String description() {
      return "shippable";
    }

    @Override
    public Class<String> inputType() {
      return String.class;
    }

    @Override
    public Class<NoParams> paramsType() {
      return NoParams.class;
    }

    @Override
    public String run(String input, NoParams params, TaskContext context) {
      return input;
    }
  }

  /** Not static: needs an outer instance. */
  public class Inner extends Shippable {}

  /** Not public. */
  static class Hidden extends Shippable {}

  /** Public, but its only constructor takes an argument. */
  public static class NeedsArgument extends Shippable {
    public NeedsArgument(int unused) {}
  }

  /** Public, but its constructor without arguments is not. */
  public static class PrivateConstructor extends Shippable {
    private PrivateConstructor() {}
  }

  /** Tests that a public static nested class with a public no-arg constructor passes. */
  @Test
  void acceptsPublicStaticNestedClass() {
    assertThatCode(() -> Shipping.checkShippable(Shippable.class)).doesNotThrowAnyException();
  }

  /** Tests that an anonymous class is refused. */
  @Test
  void refusesAnonymousClass() {
    Shippable anonymous = new Shippable() {};
    assertThatThrownBy(() -> Shipping.checkShippable(anonymous.getClass()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "task " + anonymous.getClass().getName() + " is an anonymous class or a lambda" + FIX);
  }

  /** Tests that a lambda's class and a local class are refused as anonymous. */
  @Test
  void refusesLambdaAndLocalClass() {
    Runnable lambda = () -> {};
    class Local extends Shippable {}
    assertThatThrownBy(() -> Shipping.checkShippable(lambda.getClass()))
        .hasMessageEndingWith(" is an anonymous class or a lambda" + FIX);
    assertThatThrownBy(() -> Shipping.checkShippable(Local.class))
        .hasMessage("task " + Local.class.getName() + " is an anonymous class or a lambda" + FIX);
  }

  /** Tests that a non-static inner class is refused naming its enclosing class. */
  @Test
  void refusesInnerClass() {
    assertThatThrownBy(() -> Shipping.checkShippable(Inner.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "task cohort.pool.ShippingTest$Inner is an inner class of cohort.pool.ShippingTest"
                + FIX);
  }

  /** Tests that a class that is not public is refused. */
  @Test
  void refusesNonPublicClass() {
    assertThatThrownBy(() -> Shipping.checkShippable(Hidden.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("task class cohort.pool.ShippingTest$Hidden is not public" + FIX);
  }

  /** Tests that a class without a public no-arg constructor is refused. */
  @Test
  void refusesClassWithoutPublicNoArgConstructor() {
    assertThatThrownBy(() -> Shipping.checkShippable(NeedsArgument.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "task class cohort.pool.ShippingTest$NeedsArgument has no public constructor without"
                + " arguments"
                + FIX);
    assertThatThrownBy(() -> Shipping.checkShippable(PrivateConstructor.class))
        .hasMessage(
            "task class cohort.pool.ShippingTest$PrivateConstructor has no public constructor"
                + " without arguments"
                + FIX);
  }

  /** Tests that a task said to be installed ships nothing and is not checked. */
  @Test
  void installedTaskShipsNothing(@TempDir Path scratch) {
    Shipping shipping = new Shipping(null, scratch);
    Shippable anonymous = new Shippable() {};
    assertThat(shipping.codeFor(anonymous, Options.defaults().installed())).isNull();
  }

  /** Tests that a task that cannot be shipped is refused before anything is uploaded. */
  @Test
  void unshippableTaskIsRefusedBeforeUpload(@TempDir Path scratch) {
    Shipping shipping = new Shipping(null, scratch);
    Shippable anonymous = new Shippable() {};
    assertThatThrownBy(() -> shipping.codeFor(anonymous, Options.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is an anonymous class or a lambda");
  }
}
