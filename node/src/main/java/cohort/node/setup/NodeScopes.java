package cohort.node.setup;

import cohort.node.NodeAccess;
import cohort.node.broadcast.BroadcastCache;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/** A node's {@link JobScopes}, with its own threads, torn down when the node shuts down. */
public final class NodeScopes {

  private NodeScopes() {}

  /**
   * The job scopes of the node running in {@code system}: preparations and teardowns run on threads
   * named {@code cohort-setup-N}; the jobs' teardowns run before the actor system ends.
   */
  public static JobScopes start(ActorSystem<?> system, String node, NodeAccess access) {
    AtomicInteger count = new AtomicInteger();
    ExecutorService executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "cohort-setup-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    JobScopes scopes =
        new JobScopes(
            node, () -> BroadcastCache.fromConfig(system.settings().config(), access), executor);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "tear-down-jobs",
            () ->
                scopes
                    .closeAll()
                    .handle(
                        (done, failure) -> {
                          executor.shutdown();
                          return Done.getInstance();
                        }));
    return scopes;
  }
}
