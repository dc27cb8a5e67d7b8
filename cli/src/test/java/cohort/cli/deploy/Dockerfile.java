package cohort.cli.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The repository's Dockerfile, read far enough for ManifestsTest: its instructions with
 * continuation lines joined and comments left out, and what the last stage (the image) exposes,
 * starts, copies from the build stage and runs as.
 */
final class Dockerfile {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One instruction: its keyword in upper case, and the rest of its line. */
  record Instruction(String keyword, String arguments) {}

  /**
   * A file or folder the image gets from the build stage.
   *
   * @param source its path in the repository (the build stage copies the repository to its
   *     WORKDIR), without a trailing slash
   * @param folder whether the source is a folder, whose contents are copied
   * @param target its absolute path in the image
   */
  record Copied(String source, boolean folder, String target) {}

  final List<Instruction> instructions;

  Dockerfile(String text) {
    List<Instruction> list = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.length() == 0)) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      pending.append(trimmed);
      String whole = pending.toString().strip();
      pending.setLength(0);
      if (whole.isEmpty()) {
        continue;
      }
      String[] parts = whole.split("\\s+", 2);
      list.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
    }
    this.instructions = List.copyOf(list);
  }

  /** The instructions of the last stage, after its FROM. */
  List<Instruction> image() {
    int from = -1;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals("FROM")) {
        from = i;
      }
    }
    return instructions.subList(from + 1, instructions.size());
  }

  List<String> arguments(String keyword) {
    return image().stream()
        .filter(i -> i.keyword().equals(keyword))
        .map(Instruction::arguments)
        .toList();
  }

  /** The ports EXPOSE names, without protocol. */
  List<Integer> exposed() {
    List<Integer> ports = new ArrayList<>();
    for (String line : arguments("EXPOSE")) {
      for (String port : line.split("\\s+")) {
        ports.add(Integer.parseInt(port.replaceFirst("/.*", "")));
      }
    }
    return ports;
  }

  /** ENTRYPOINT in exec form; empty when there is none or it is in shell form. */
  List<String> entrypoint() {
    List<String> lines = arguments("ENTRYPOINT");
    return lines.isEmpty() ? List.of() : jsonArray(lines.get(lines.size() - 1)).orElse(List.of());
  }

  Optional<String> user() {
    List<String> users = arguments("USER");
    return users.isEmpty() ? Optional.empty() : Optional.of(users.get(users.size() - 1).strip());
  }

  List<String> volumes() {
    List<String> volumes = new ArrayList<>();
    for (String line : arguments("VOLUME")) {
      volumes.addAll(jsonArray(line).orElseGet(() -> Arrays.asList(line.split("\\s+"))));
    }
    return volumes;
  }

  /** The image's ENV, in the KEY=VALUE form. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : arguments("ENV")) {
      for (String pair : line.split("\\s+")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          env.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    return env;
  }

  /** What COPY --from=STAGE brings into the image, with targets made absolute by WORKDIR. */
  List<Copied> copiedFromBuild() {
    String buildRoot = buildWorkdir();
    List<Copied> copied = new ArrayList<>();
    String workdir = "/";
    for (Instruction instruction : image()) {
      if (instruction.keyword().equals("WORKDIR")) {
        workdir = absolute(workdir, instruction.arguments().strip());
      }
      if (!instruction.keyword().equals("COPY") || !instruction.arguments().contains("--from=")) {
        continue;
      }
      List<String> words =
          Arrays.stream(instruction.arguments().split("\\s+"))
              .filter(w -> !w.startsWith("--"))
              .toList();
      String destination = words.get(words.size() - 1);
      String target = absolute(workdir, destination);
      for (String source : words.subList(0, words.size() - 1)) {
        boolean folder = source.endsWith("/");
        String path = source.replaceAll("/+$", "");
        if (!path.startsWith(buildRoot + "/")) {
          continue; // not from the repository's copy
        }
        String relative = path.substring(buildRoot.length() + 1);
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        String into =
            folder || !destination.endsWith("/") ? target.replaceAll("/+$", "") : target + name;
        copied.add(new Copied(relative, folder, into));
      }
    }
    return copied;
  }

  /** Where the build stage copies the repository: its WORKDIR. */
  private String buildWorkdir() {
    for (Instruction instruction : instructions) {
      if (instruction.keyword().equals("WORKDIR")) {
        return instruction.arguments().strip().replaceAll("/+$", "");
      }
    }
    throw new AssertionError("the Dockerfile's build stage has no WORKDIR to copy the sources to");
  }

  /** Where the image has the repository's file {@code relative}, if it copies it. */
  Optional<String> inImage(String relative) {
    for (Copied copy : copiedFromBuild()) {
      if (copy.folder() && relative.startsWith(copy.source() + "/")) {
        return Optional.of(copy.target() + relative.substring(copy.source().length()));
      }
      if (!copy.folder() && relative.equals(copy.source())) {
        return Optional.of(copy.target());
      }
    }
    return Optional.empty();
  }

  private static String absolute(String workdir, String path) {
    if (path.startsWith("/")) {
      return path;
    }
    return (workdir.endsWith("/") ? workdir : workdir + "/") + path;
  }

  private static Optional<List<String>> jsonArray(String text) {
    if (!text.strip().startsWith("[")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Arrays.asList(JSON.readValue(text, String[].class)));
    } catch (JsonProcessingException e) {
      throw new AssertionError("not a JSON array: " + text, e);
    }
  }
}
