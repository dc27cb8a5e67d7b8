package cohort.api.code;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Code a job runs that the nodes do not have installed: jars the coordinator keeps, named by the
 * SHA-256 of their bytes ({@code PUT /code/{sha256}}), that nodes fetch, check and load in a class
 * loader of their own.
 *
 * @param jars the jars' SHA-256 digests in lower-case hex, the task's own jar first; classes are
 *     looked up in this order
 * @param taskClass the task's class name in them, or null to find the task by its name among the
 *     tasks the jars list in {@code META-INF/services/cohort.task.Task}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CodeRef(List<String> jars, String taskClass) {

  /** Bytes one jar may have at most, as the coordinator takes and the nodes fetch. */
  public static final long MAX_JAR_BYTES = 512L << 20;

  /** Jars one job may name at most. */
  public static final int MAX_JARS = 64;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern CLASS_NAME =
      Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

  /**
   * @throws IllegalArgumentException saying which field is wrong and what it takes
   */
  public CodeRef {
    if (jars == null || jars.isEmpty()) {
      throw new IllegalArgumentException(
          "code names no jars; give the SHA-256 of each jar uploaded with PUT /code/{sha256}");
    }
    if (jars.size() > MAX_JARS) {
      throw new IllegalArgumentException(
          "code names " + jars.size() + " jars; a job may name at most " + MAX_JARS);
    }
    List<String> copy = new ArrayList<>(jars.size());
    for (String jar : jars) {
      copy.add(checkDigest(jar));
    }
    if (copy.stream().distinct().count() != copy.size()) {
      throw new IllegalArgumentException("code names one jar twice: " + copy);
    }
    jars = List.copyOf(copy);
    if (taskClass != null && !CLASS_NAME.matcher(taskClass).matches()) {
      throw new IllegalArgumentException(
          "code's taskClass '" + taskClass + "' is not a Java class name such as com.acme.MyTask");
    }
  }

  /** Code whose task is found by name in the jars' service lists. */
  public static CodeRef of(List<String> jars) {
    return new CodeRef(jars, null);
  }

  /**
   * A SHA-256 digest as code names it: 64 lower-case hex digits.
   *
   * @return the digest
   * @throws IllegalArgumentException saying what a digest looks like
   */
  public static String checkDigest(String digest) {
    if (digest == null || !SHA256.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "'"
              + digest
              + "' is not a SHA-256 digest; give 64 lower-case hex digits, as sha256sum prints");
    }
    return digest;
  }

  /** The first 12 digits of a digest, to show people. */
  public static String shortDigest(String digest) {
    return digest.substring(0, 12);
  }
}
