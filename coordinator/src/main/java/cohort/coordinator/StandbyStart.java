package cohort.coordinator;

import cohort.coordinator.CoordinatorApp.Running;
import cohort.coordinator.CoordinatorApp.Started;
import cohort.coordinator.journal.JournalConfig;
import cohort.coordinator.journal.JournalSchema;
import cohort.coordinator.recovery.DataFormat;
import cohort.coordinator.security.ApiAccess;
import cohort.coordinator.standby.HttpSwitch;
import cohort.coordinator.standby.Leadership;
import cohort.coordinator.standby.Lease;
import cohort.coordinator.standby.PostgresFiles;
import cohort.coordinator.standby.SharedToken;
import cohort.coordinator.standby.StandbyHttp;
import cohort.coordinator.standby.StandbySettings;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.cluster.SelfMember;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a coordinator that shares its journal (a PostgreSQL database) with others: it serves HTTP
 * at once as a standby ({@link StandbyHttp}) and asks for the lead; once it has it, it writes the
 * files the last leader kept in the database into its data folder ({@link PostgresFiles}), founds a
 * cluster, recovers every job from there, and serves the API on the same port. Nodes that lost the
 * previous coordinator join it through their seed list; clients are redirected to it by the
 * standbys.
 */
final class StandbyStart {

  private static final Logger LOG = LoggerFactory.getLogger(StandbyStart.class);

  /** The exit code of a coordinator that lost the lead: a supervisor restarts it as a standby. */
  static final int LOST_LEAD = 75;

  private StandbyStart() {}

  static Running start(Config config, CoordinatorSettings settings, StandbySettings shared) {
    Path dataDir =
        CoordinatorApp.createFolder(settings.dataDir().orElseGet(CoordinatorApp::defaultDataDir));
    CoordinatorApp.checkExposure(settings, config);
    DataFormat.check(dataDir);
    JournalSchema.ensurePostgres(shared.database());
    ApiAccess access = SharedToken.resolve(config, shared.database(), dataDir);
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            CoordinatorProtocol.SYSTEM_NAME,
            JournalConfig.at(shared.database())
                .withFallback(CoordinatorApp.clusterConfig(settings, config)));
    Leadership leadership =
        new Leadership(
            new Lease(shared.database(), UUID.randomUUID().toString(), shared.lease()),
            shared,
            StandbyStart::halt);
    // Once nothing of this coordinator runs any more, a standby need not wait for the lease.
    system.getWhenTerminated().thenRun(leadership::close);
    String cluster = SelfMember.address(system);
    String incarnation = Long.toString(Cluster.get(system).selfMember().uniqueAddress().longUid());
    CompletableFuture<String> ownUrl = new CompletableFuture<>();
    StandbyHttp standby =
        new StandbyHttp(incarnation, () -> ownUrl.getNow(""), leadership::holder, access);
    HttpSwitch http = HttpSwitch.serving(standby, system);
    CompletableFuture<Started> started = new CompletableFuture<>();
    CompletionStage<Started> serving =
        CoordinatorApp.bind(system, settings, http)
            .thenApply(
                url -> {
                  ownUrl.complete(url);
                  LOG.info(
                      "coordinator stands by at {}, sharing the journal {}; its data folder is {}",
                      url,
                      shared.database().shown(),
                      dataDir);
                  leadership.standBy(
                      url,
                      cluster,
                      term ->
                          lead(
                              system,
                              settings,
                              shared.database(),
                              dataDir,
                              http,
                              url,
                              cluster,
                              access,
                              started));
                  return new Started(cluster, url);
                });
    serving.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            started.completeExceptionally(failure);
          }
        });
    return new Running(system, dataDir, true, serving, started, access.where());
  }

  /**
   * Takes over: founds the cluster, recovers the jobs, then serves the API in place of standing by.
   */
  private static void lead(
      ActorSystem<?> system,
      CoordinatorSettings settings,
      cohort.coordinator.journal.Postgres database,
      Path dataDir,
      HttpSwitch http,
      String url,
      String cluster,
      ApiAccess access,
      CompletableFuture<Started> started) {
    PostgresFiles files = new PostgresFiles(database, dataDir);
    system.getWhenTerminated().thenRun(files::close);
    java.util.concurrent.Executor blocking =
        system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking());
    CompletableFuture.supplyAsync(() -> restore(files, dataDir), blocking)
        .thenCompose(
            restored -> CoordinatorApp.launch(system, settings, dataDir, true, files, access))
        .thenAccept(
            local -> {
              http.switchTo(CoordinatorApp.httpApi(local).routes());
              local
                  .coordinator()
                  .tell(new ClientRequests.HttpServing(url, access.nodeToken().value()));
              started.complete(new Started(cluster, url));
            })
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                started.completeExceptionally(failure);
              }
            });
  }

  /** Writes the files the last active coordinator kept into this one's data folder. */
  private static int restore(PostgresFiles files, Path dataDir) {
    try {
      int restored = files.restore();
      LOG.info("wrote the {} files kept in the journal database into {}", restored, dataDir);
      return restored;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "cannot take over: " + e.getMessage() + "; this coordinator stops", e);
    }
  }

  private static void halt(String why) {
    LOG.error(
        "this coordinator lost the lead ({}): it stops at once so that two coordinators never"
            + " run the same jobs; a standby takes over, and this one may start again as a standby",
        why);
    Runtime.getRuntime().halt(LOST_LEAD);
  }
}
