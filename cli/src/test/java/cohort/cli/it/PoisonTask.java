package cohort.cli.it;

import cohort.task.NoParams;
import cohort.task.Task;
import cohort.task.TaskContext;
import java.util.ArrayList;
import java.util.List;

/**
 * A test task that takes its JVM down for some inputs: {@code "exit"} calls System.exit(3), {@code
 * "halt"} Runtime.halt(3), {@code "oom"} runs out of memory; any other input sleeps 50 ms and comes
 * back.
 */
public final class PoisonTask implements Task<String, NoParams, String> {

  @Override
  public String name() {
    return "poison";
  }

  @Override
  public String description() {
    return "exit, halt or oom take the JVM down; other inputs return (tests only)";
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
  public String run(String input, NoParams params, TaskContext context) throws Exception {
    switch (input) {
      case "exit" -> System.exit(3);
      case "halt" -> Runtime.getRuntime().halt(3);
      case "oom" -> {
        List<long[]> hog = new ArrayList<>();
        while (true) {
          hog.add(new long[1 << 20]);
        }
      }
      default -> Thread.sleep(50);
    }
    return input;
  }
}
