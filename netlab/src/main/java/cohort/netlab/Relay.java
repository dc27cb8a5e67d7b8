package cohort.netlab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link DelayRelay} running on a lab host: every connection to one of its addresses reaches its
 * target a fixed delay later, each way. A member that advertises the relay's address instead of its
 * own is reached through it, so every link to that member is long.
 */
public final class Relay implements AutoCloseable {

  private final Process process;

  private Relay(Process process) {
    this.process = process;
  }

  /**
   * Starts a relay on {@code host}, from this module's classes, and waits until it listens.
   *
   * @param routes listening {@code host:port} to target {@code host:port}
   * @param log where its stderr goes
   */
  public static Relay start(
      Host host, long delayMillis, Map<String, String> routes, String classes, Path log) {
    List<String> command = new ArrayList<>(host.launcher());
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx64m",
            "-cp",
            classes,
            DelayRelay.class.getName(),
            Long.toString(delayMillis)));
    routes.forEach((listen, target) -> command.add(listen + "=" + target));
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      CompletableFuture<String> ready =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                      .readLine();
                } catch (IOException e) {
                  return null;
                }
              });
      String line = ready.get(30, TimeUnit.SECONDS);
      if (line == null || !line.startsWith("relay ready")) {
        process.destroyForcibly();
        throw new IllegalStateException("the relay did not start; see " + log);
      }
      return new Relay(process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the relay: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new IllegalStateException("the relay did not start: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
