package cohort.coordinator.code;

import cohort.api.ApiJson;
import cohort.api.TaskInfo;
import cohort.api.code.Deployment;
import cohort.coordinator.journal.FileReplica;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The deployments the coordinator keeps ({@code cohort deploy}), in {@code code/deployments.json}:
 * a job that names one of their tasks, and brings no code, runs the code deployed last for that
 * name, on every node, those that join later included. Read at start, written through (and copied
 * for a standby) on every change. Thread-safe; file operations block.
 */
public final class Deployments {

  private static final TypeReference<List<Deployment>> LIST = new TypeReference<>() {};

  private final Path file;
  private final FileReplica replica;
  private final ObjectMapper json = ApiJson.newMapper();
  private List<Deployment> kept;

  Deployments(Path file, FileReplica replica) {
    this.file = file;
    this.replica = replica;
  }

  /** Every deployment, oldest first. */
  public synchronized List<Deployment> all() {
    if (kept == null) {
      kept = read();
    }
    return kept;
  }

  /** The deployment a job of the task runs when it brings no code of its own. */
  public synchronized Optional<Deployment> of(String task) {
    List<Deployment> all = all();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).tasks().stream().anyMatch(info -> info.name().equals(task))) {
        return Optional.of(all.get(i));
      }
    }
    return Optional.empty();
  }

  /**
   * Keeps a deployment. Earlier deployments lose the tasks it offers again, and are dropped when
   * none is left, so a name always means the code deployed last.
   *
   * @throws UncheckedIOException when it cannot be written
   */
  public synchronized void add(Deployment deployment) {
    Set<String> names = deployment.tasks().stream().map(TaskInfo::name).collect(Collectors.toSet());
    List<Deployment> next = new ArrayList<>();
    for (Deployment old : all()) {
      List<TaskInfo> left = old.tasks().stream().filter(t -> !names.contains(t.name())).toList();
      if (!left.isEmpty() && !old.code().equals(deployment.code())) {
        next.add(new Deployment(old.code(), old.names(), left, old.deployedAt()));
      }
    }
    next.add(deployment);
    write(next);
    kept = List.copyOf(next);
  }

  private List<Deployment> read() {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      return List.copyOf(json.readValue(file.toFile(), LIST));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the deployments in " + file + ": " + e.getMessage(), e);
    }
  }

  private void write(List<Deployment> deployments) {
    try {
      Files.createDirectories(file.getParent());
      Path part = file.resolveSibling(file.getFileName() + ".part");
      json.writerWithDefaultPrettyPrinter().writeValue(part.toFile(), deployments);
      CodeStore.moveIntoPlace(part, file);
      replica.copy(file);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the deployments to " + file + ": " + e.getMessage(), e);
    }
  }
}
