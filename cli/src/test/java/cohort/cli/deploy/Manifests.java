package cohort.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Kubernetes objects in {@code deploy/kubernetes/*.yaml}, read as Kubernetes would take them
 * where ManifestsTest needs it: the pods of each workload, their containers' environment with
 * {@code $(VAR)} references and downward-API fields filled in, and which volume holds a path.
 */
final class Manifests {

  /** The namespace the checks pretend the objects are applied in (the files name none). */
  static final String NAMESPACE = "team-a";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * {@code $$} (a literal {@code $}) or a reference {@code $(NAME)}, as Kubernetes expands them.
   */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z0-9_.-]+)\\)");

  final List<KubeObject> objects;

  private Manifests(List<KubeObject> objects) {
    this.objects = List.copyOf(objects);
  }

  /** Every document of every YAML file in {@code dir}, in file order. */
  static Manifests read(Path dir) {
    List<KubeObject> objects = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(Manifests::isYaml).sorted().toList()) {
        try (MappingIterator<JsonNode> documents =
            YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
          int index = 0;
          while (documents.hasNext()) {
            JsonNode document = documents.next();
            index++;
            if (document != null && !document.isNull() && !document.isEmpty()) {
              objects.add(new KubeObject(file.getFileName() + " #" + index, document));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the manifests in " + dir + ": " + e.getMessage(), e);
    }
    return new Manifests(objects);
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  List<KubeObject> all(String kind) {
    return objects.stream().filter(o -> o.kind().equals(kind)).toList();
  }

  /** The Deployments and StatefulSets, each with its pod template. */
  List<Pod> pods() {
    List<Pod> pods = new ArrayList<>();
    for (KubeObject object : objects) {
      if (object.kind().equals("Deployment") || object.kind().equals("StatefulSet")) {
        pods.add(new Pod(object, pods.size()));
      }
    }
    return pods;
  }

  /** The one pod whose main container runs {@code cohort SUBCOMMAND}. */
  Pod pod(String subcommand) {
    List<Pod> found =
        pods().stream().filter(p -> p.main().subcommand().equals(subcommand)).toList();
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one workload running `cohort " + subcommand + "`, found " + found.size());
    }
    return found.get(0);
  }

  /** One document of a manifest file. */
  record KubeObject(String where, JsonNode node) {

    String kind() {
      return node.path("kind").asText("");
    }

    String apiVersion() {
      return node.path("apiVersion").asText("");
    }

    String name() {
      return node.path("metadata").path("name").asText("");
    }

    JsonNode spec() {
      return node.path("spec");
    }

    @Override
    public String toString() {
      return kind() + " " + name() + " (" + where + ")";
    }
  }

  /** The pod template of a Deployment or StatefulSet. */
  static final class Pod {
    final KubeObject owner;
    final JsonNode spec;
    private final int index;

    Pod(KubeObject owner, int index) {
      this.owner = owner;
      this.spec = owner.spec().path("template").path("spec");
      this.index = index;
    }

    boolean statefulSet() {
      return owner.kind().equals("StatefulSet");
    }

    Map<String, String> labels() {
      return strings(owner.spec().path("template").path("metadata").path("labels"));
    }

    List<Container> containers() {
      return containers(spec.path("containers"), false);
    }

    List<Container> initContainers() {
      return containers(spec.path("initContainers"), true);
    }

    /** The Cohort container: the first of {@code containers}. */
    Container main() {
      return containers().get(0);
    }

    private List<Container> containers(JsonNode list, boolean init) {
      List<Container> containers = new ArrayList<>();
      list.forEach(c -> containers.add(new Container(this, c, init)));
      return containers;
    }

    /** The pod volume, or volume claim template, named {@code name}. */
    Optional<JsonNode> volume(String name) {
      for (JsonNode volume : spec.path("volumes")) {
        if (volume.path("name").asText().equals(name)) {
          return Optional.of(volume);
        }
      }
      for (JsonNode claim : owner.spec().path("volumeClaimTemplates")) {
        if (claim.path("metadata").path("name").asText().equals(name)) {
          return Optional.of(claim);
        }
      }
      return Optional.empty();
    }

    boolean claimTemplate(String name) {
      for (JsonNode claim : owner.spec().path("volumeClaimTemplates")) {
        if (claim.path("metadata").path("name").asText().equals(name)) {
          return true;
        }
      }
      return false;
    }

    /**
     * What the downward API gives for {@code fieldPath} in this pod: a StatefulSet's first pod (the
     * one nodes join) is named NAME-0; addresses are made-up ones, different per workload.
     */
    Optional<String> field(String fieldPath) {
      return Optional.ofNullable(
          switch (fieldPath) {
            case "metadata.name" ->
                statefulSet() ? owner.name() + "-0" : owner.name() + "-5d8c7b9f6d-x2x4q";
            case "metadata.namespace" -> NAMESPACE;
            case "status.podIP" -> "10.0.0." + (10 + index);
            default -> null;
          });
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Pod pod && pod.owner.equals(owner);
    }

    @Override
    public int hashCode() {
      return owner.hashCode();
    }

    @Override
    public String toString() {
      return owner.toString();
    }
  }

  /** A container, with its environment as Kubernetes hands it to the process. */
  static final class Container {
    final Pod pod;
    final JsonNode node;
    final boolean init;

    /** The variables in order, with references expanded and downward-API fields filled in. */
    final Map<String, String> env = new LinkedHashMap<>();

    /** Secrets the environment takes values from: NAME/KEY. */
    final List<String> secretRefs = new ArrayList<>();

    /** What Kubernetes would not expand as meant: references to undefined variables. */
    final List<String> problems = new ArrayList<>();

    Container(Pod pod, JsonNode node, boolean init) {
      this.pod = pod;
      this.node = node;
      this.init = init;
      for (JsonNode variable : node.path("env")) {
        String name = variable.path("name").asText();
        env.put(name, value(name, variable));
      }
    }

    private String value(String name, JsonNode variable) {
      if (variable.has("value")) {
        return expand(variable.path("value").asText(), "env " + name);
      }
      JsonNode from = variable.path("valueFrom");
      if (from.has("fieldRef")) {
        String path = from.path("fieldRef").path("fieldPath").asText();
        return pod.field(path)
            .orElseGet(
                () -> {
                  problems.add(
                      this + ": env " + name + " takes fieldPath " + path + ", unknown here");
                  return "?";
                });
      }
      if (from.has("secretKeyRef")) {
        JsonNode ref = from.path("secretKeyRef");
        String secret = ref.path("name").asText() + "/" + ref.path("key").asText();
        secretRefs.add(secret);
        return "{secret " + secret + "}";
      }
      problems.add(this + ": env " + name + " has no value this check understands: " + variable);
      return "?";
    }

    /** {@code text} with {@code $(NAME)} replaced by the variables defined so far. */
    private String expand(String text, String what) {
      Matcher matcher = REFERENCE.matcher(text);
      StringBuilder out = new StringBuilder();
      while (matcher.find()) {
        String replacement;
        if (matcher.group().equals("$$")) {
          replacement = "$";
        } else if (env.containsKey(matcher.group(1))) {
          replacement = env.get(matcher.group(1));
        } else {
          problems.add(
              this
                  + ": "
                  + what
                  + " refers to "
                  + matcher.group()
                  + ", which is not defined before it in the container's env: Kubernetes would"
                  + " pass the text on as written");
          replacement = matcher.group();
        }
        matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      matcher.appendTail(out);
      return out.toString();
    }

    String name() {
      return node.path("name").asText();
    }

    String image() {
      return node.path("image").asText();
    }

    /** The arguments, expanded as Kubernetes does. */
    List<String> args() {
      List<String> args = new ArrayList<>();
      node.path("args").forEach(a -> args.add(expand(a.asText(), "an argument")));
      return args;
    }

    /** The {@code cohort} subcommand it runs: its first argument. */
    String subcommand() {
      List<String> args = args();
      return args.isEmpty() ? "" : args.get(0);
    }

    /** The declared container ports by name. */
    Map<String, Integer> ports() {
      Map<String, Integer> ports = new LinkedHashMap<>();
      node.path("ports")
          .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
      return ports;
    }

    /** The port a probe or a Service's targetPort names: a declared port's name, or a number. */
    Optional<Integer> port(JsonNode reference) {
      if (reference.isInt()) {
        return Optional.of(reference.asInt());
      }
      return Optional.ofNullable(ports().get(reference.asText()));
    }

    /** The mount that holds {@code path}, the deepest when mounts nest. */
    Optional<Mount> mountOf(String path) {
      Mount best = null;
      for (JsonNode mount : node.path("volumeMounts")) {
        String at = mount.path("mountPath").asText();
        if ((path.equals(at) || path.startsWith(at + "/"))
            && (best == null || at.length() > best.mountPath().length())) {
          best =
              new Mount(
                  mount.path("name").asText(),
                  at,
                  mount.path("readOnly").asBoolean(false),
                  path.equals(at) ? "" : path.substring(at.length() + 1));
        }
      }
      return Optional.ofNullable(best);
    }

    List<String> mountNames() {
      List<String> names = new ArrayList<>();
      node.path("volumeMounts").forEach(m -> names.add(m.path("name").asText()));
      return names;
    }

    @Override
    public String toString() {
      return (init ? "init container " : "container ") + name() + " of " + pod;
    }
  }

  /**
   * A volume mount holding a path.
   *
   * @param volume the volume's name
   * @param mountPath where it is mounted
   * @param readOnly whether the container may not write it
   * @param relative the path within the volume; empty for the mount point itself
   */
  record Mount(String volume, String mountPath, boolean readOnly, String relative) {}

  static Map<String, String> strings(JsonNode map) {
    Map<String, String> strings = new LinkedHashMap<>();
    map.properties().forEach(e -> strings.put(e.getKey(), e.getValue().asText()));
    return strings;
  }
}
