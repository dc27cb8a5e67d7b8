package cohort.cli.it;

import cohort.task.Task;
import cohort.task.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A test task, on the nodes' class path in system tests: sleeps its input in milliseconds and says
 * when it ran, where, and how many runs of the tasks sharing its folder it saw at once. Each run
 * puts a marker in the folder while it runs and counts the markers of live processes, so runs on
 * every node of a machine are counted, and a node killed mid-run does not count after its death.
 */
public final class SlotsTask implements Task<Long, SlotsTask.Params, Map<String, Object>> {

  /**
   * @param dir the folder where runs mark themselves; null to count nothing
   */
  public record Params(String dir) {}

  @Override
  public String name() {
    return "slots";
  }

  @Override
  public String description() {
    return "sleeps its input in ms, says when and where it ran and runs seen at once (tests only)";
  }

  @Override
  public Class<Long> inputType() {
    return Long.class;
  }

  @Override
  public Class<Params> paramsType() {
    return Params.class;
  }

  @Override
  public Map<String, Object> run(Long millis, Params params, TaskContext context)
      throws IOException, InterruptedException {
    long start = System.currentTimeMillis();
    int seen = 0;
    Path marker = null;
    if (params != null && params.dir() != null) {
      Path dir = Path.of(params.dir());
      marker =
          dir.resolve(
              ProcessHandle.current().pid() + "-" + context.jobId() + "-" + context.index());
      Files.createFile(marker);
      seen = live(dir);
    }
    try {
      Thread.sleep(millis);
      if (marker != null) {
        seen = Math.max(seen, live(marker.getParent()));
      }
    } finally {
      if (marker != null) {
        Files.deleteIfExists(marker);
      }
    }
    return Map.of(
        "node", context.node(), "start", start, "end", System.currentTimeMillis(), "seen", seen);
  }

  /** Markers of processes still alive: runs going on now. */
  private static int live(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names = files.map(f -> f.getFileName().toString()).toList();
      int count = 0;
      for (String name : names) {
        long pid = Long.parseLong(name.substring(0, name.indexOf('-')));
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          count++;
        }
      }
      return count;
    }
  }
}
