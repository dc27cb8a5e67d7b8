package cohort.coordinator;

import cohort.api.ApiJson;
import cohort.coordinator.blobs.BlobStore;
import cohort.coordinator.broadcast.BroadcastStore;
import cohort.coordinator.code.CodeStore;
import cohort.coordinator.http.HttpApi;
import cohort.coordinator.http.JsonParsingErrors;
import cohort.coordinator.journal.FileReplica;
import cohort.coordinator.journal.JournalConfig;
import cohort.coordinator.journal.JournalSchema;
import cohort.coordinator.recovery.DataFormat;
import cohort.coordinator.recovery.Durability;
import cohort.coordinator.recovery.Restart;
import cohort.coordinator.security.ApiAccess;
import cohort.coordinator.security.ApiTokens;
import cohort.coordinator.security.Exposure;
import cohort.coordinator.security.Https;
import cohort.coordinator.standby.StandbySettings;
import cohort.protocol.CoordinatorProtocol;
import cohort.protocol.cluster.SelfMember;
import cohort.protocol.security.ClusterTls;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.HandlerProvider;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBuilder;

/** Starts a coordinator: an actor system that founds the cluster, the coordinator, the HTTP API. */
public final class CoordinatorApp {

  private CoordinatorApp() {}

  /**
   * Loads the coordinator's configuration: {@code overrides} (from command-line flags) over {@code
   * coordinator.conf} (with its environment variables) over Pekko's defaults. System properties
   * win.
   */
  public static Config loadConfig(Map<String, ?> overrides) {
    return ConfigFactory.systemProperties()
        .withFallback(ConfigFactory.parseMap(overrides))
        .withFallback(ConfigFactory.parseResources("coordinator.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /**
   * Adds the Pekko settings that follow from the coordinator's settings: its address (advertised
   * and bound) and its transport.
   */
  public static Config clusterConfig(CoordinatorSettings settings, Config config) {
    return ConfigFactory.parseMap(settings.host().arterySettings(settings.clusterPort()))
        .withFallback(ClusterTls.configure(config, settings.host()));
  }

  /** Where a started coordinator can be reached. */
  public record Started(String clusterAddress, String httpUrl) {}

  /**
   * A running coordinator: its actor system, the data folder it keeps its jobs in, whether it
   * shares its journal with other coordinators, when it serves HTTP ({@code serving}: as a standby
   * when it shares its journal) and when it is the active coordinator ({@code started}; the same
   * stage when it shares nothing), and where its API token is ({@code token}, for the user).
   */
  public record Running(
      ActorSystem<Void> system,
      Path dataDir,
      boolean shared,
      CompletionStage<Started> serving,
      CompletionStage<Started> started,
      String token) {}

  /** The data folder of a coordinator JVM given none: {@code ~/.cohort/coordinator}. */
  public static Path defaultDataDir() {
    return Path.of(System.getProperty("user.home"), ".cohort", "coordinator");
  }

  /**
   * Starts a coordinator JVM's actor system, founding a new cluster with itself as first member. It
   * takes its data folder, opens the journal there and recovers the jobs it holds before it serves
   * anyone: a restart on the same folder goes on with every job.
   *
   * @throws IllegalArgumentException when a setting is invalid
   * @throws IllegalStateException when the data folder is in use, or its journal cannot be opened
   */
  public static Running start(Config config) {
    CoordinatorSettings settings = CoordinatorSettings.fromConfig(config);
    Optional<StandbySettings> shared = StandbySettings.fromConfig(config);
    if (shared.isPresent()) {
      return StandbyStart.start(config, settings, shared.get());
    }
    Path dataDir = createFolder(settings.dataDir().orElseGet(CoordinatorApp::defaultDataDir));
    HeldDataFolder folder = HeldDataFolder.take(dataDir);
    String url = JournalConfig.h2Url(dataDir);
    ActorSystem<Void> system;
    ApiAccess access;
    try {
      checkExposure(settings, config);
      DataFormat.check(dataDir);
      access = ApiTokens.forDataDir(config, dataDir);
      folder.repairJournal();
      JournalSchema.ensureH2(url, dataDir.toString());
      system =
          ActorSystem.create(
              Behaviors.empty(),
              CoordinatorProtocol.SYSTEM_NAME,
              JournalConfig.at(url).withFallback(clusterConfig(settings, config)));
    } catch (RuntimeException e) {
      folder.startFailed();
      throw e;
    }
    folder.closeAtShutdown(system);
    CompletionStage<Started> started =
        launch(system, settings, dataDir, true, FileReplica.NONE, access)
            .thenCompose(CoordinatorApp::serveHttp);
    return new Running(system, dataDir, false, started, started, access.where());
  }

  /**
   * Makes this actor system found the cluster and starts the coordinator and its HTTP API once it
   * is Up. Only the coordinator downs members, and never itself: see {@link
   * cohort.protocol.cluster.CohortDowning}. In an actor system without the cluster (the in-process
   * cluster of {@code cohort submit}, see {@link SelfMember}) they start at once.
   */
  public static CompletionStage<Started> init(ActorSystem<?> system, CoordinatorSettings settings) {
    return startCoordinator(system, settings).thenCompose(CoordinatorApp::serveHttp);
  }

  /**
   * As {@link #init}, without HTTP: the coordinator serves clients in its own JVM until {@link
   * #serveHttp} is called. It keeps nothing across a restart: its results go to the data folder the
   * settings name, or to a temporary one.
   */
  public static CompletionStage<LocalCoordinator> startCoordinator(
      ActorSystem<?> system, CoordinatorSettings settings) {
    Path dataDir;
    ApiAccess access;
    try {
      dataDir = dataDir(system, settings);
      releaseAtShutdown(system, DataDirLock.acquire(dataDir));
      access = ApiTokens.forProcess(system.settings().config());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return launch(system, settings, dataDir, false, FileReplica.NONE, access);
  }

  /**
   * Starts the coordinator once this actor system is Up, after recovering the jobs of {@code
   * dataDir} when {@code durable}, with the data folder's files copied to {@code files}; {@code
   * access} decides who may use its HTTP API.
   */
  static CompletionStage<LocalCoordinator> launch(
      ActorSystem<?> system,
      CoordinatorSettings settings,
      Path dataDir,
      boolean durable,
      FileReplica files,
      ApiAccess access) {
    if (SelfMember.inCluster(system)) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    CompletableFuture<Void> up = new CompletableFuture<>();
    SelfMember.whenUp(system, () -> up.complete(null));
    return up.thenCompose(
            ready ->
                durable
                    ? Restart.recover(
                        system,
                        dataDir,
                        settings.orderedWindow(),
                        settings.batching().maxBatch(),
                        settings.syncInterval(),
                        files)
                    : CompletableFuture.completedFuture(Durability.none()))
        .thenApply(
            durability -> {
              BlobStore blobs = new BlobStore(dataDir.resolve("blobs"), files);
              ActorRef<CoordinatorProtocol.Command> coordinator =
                  system.systemActorOf(
                      Coordinator.create(settings, dataDir, blobs, Clock.systemUTC(), durability),
                      "coordinator",
                      Props.empty());
              return new LocalCoordinator(
                  system,
                  settings,
                  coordinator,
                  blobs,
                  new CodeStore(dataDir.resolve("code"), files),
                  access,
                  BroadcastStore.fromConfig(system.settings().config(), dataDir, files));
            });
  }

  private static void releaseAtShutdown(ActorSystem<?> system, DataDirLock lock) {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseActorSystemTerminate(),
            "release-data-folder",
            () -> {
              lock.close();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
  }

  /** Serves the coordinator's HTTP API; nodes learn its URL, where they fetch file inputs. */
  public static CompletionStage<Started> serveHttp(LocalCoordinator local) {
    ActorSystem<?> system = local.system();
    String cluster = SelfMember.address(system);
    return bind(system, local.settings(), httpApi(local).routes())
        .thenApply(
            url -> {
              local
                  .coordinator()
                  .tell(new ClientRequests.HttpServing(url, local.access().nodeToken().value()));
              return new Started(cluster, url);
            });
  }

  /** The HTTP API of a started coordinator. */
  static HttpApi httpApi(LocalCoordinator local) {
    ActorSystem<?> system = local.system();
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    return new HttpApi(
        local.coordinator(),
        system,
        ApiJson.newMapper(),
        local.askTimeout(),
        blocking,
        local.blobs(),
        local.code(),
        local.access(),
        Clock.systemUTC(),
        local.broadcasts());
  }

  /**
   * Refuses a coordinator that would be open beyond loopback: see {@link Exposure}.
   *
   * @throws IllegalArgumentException saying how to mend the settings
   */
  static void checkExposure(CoordinatorSettings settings, Config config) {
    Exposure.check(
        settings.host().bind(),
        Https.fromConfig(config).isPresent(),
        ClusterTls.enabled(config),
        config.getBoolean("cohort.coordinator.insecure"));
  }

  /**
   * Serves {@code handler} on the settings' HTTP port until the actor system stops.
   *
   * @return the URL it serves at, on the advertised host (what nodes and clients are told); failed,
   *     saying what to do, when the port cannot be had
   */
  static CompletionStage<String> bind(
      ActorSystem<?> system, CoordinatorSettings settings, HandlerProvider handler) {
    CompletableFuture<String> bound = new CompletableFuture<>();
    Optional<HttpsConnectionContext> https;
    try {
      https = Https.fromConfig(system.settings().config());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    ServerBuilder server =
        Http.get(system)
            .newServerAt(settings.host().bind(), settings.httpPort())
            .adaptSettings(
                adapt -> adapt.withParsingErrorHandler(JsonParsingErrors.class.getName()));
    String scheme = https.isPresent() ? "https" : "http";
    https
        .map(server::enableHttps)
        .orElse(server)
        .bind(handler)
        .whenComplete(
            (binding, failure) -> {
              if (failure != null) {
                bound.completeExceptionally(
                    new IllegalStateException(
                        "cannot serve HTTP on "
                            + settings.host().bind()
                            + ":"
                            + settings.httpPort()
                            + " ("
                            + failure.getMessage()
                            + "); pick another port with --http-port",
                        failure));
                return;
              }
              binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
              bound.complete(
                  scheme
                      + "://"
                      + settings.host().advertised()
                      + ":"
                      + binding.localAddress().getPort());
            });
    return bound;
  }

  static Path createFolder(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      String why =
          e instanceof java.nio.file.AccessDeniedException
              ? "permission denied"
              : e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
                  ? fs.getReason()
                  : e.getMessage();
      throw new IllegalStateException(
          "cannot create the data folder " + dir + " (" + why + "); give another with --data-dir",
          e);
    }
  }

  private static Path dataDir(ActorSystem<?> system, CoordinatorSettings settings) {
    try {
      if (settings.dataDir().isPresent()) {
        return createFolder(settings.dataDir().get());
      }
      Path temp = Files.createTempDirectory("cohort-results-");
      CoordinatedShutdown.get(system)
          .addTask(
              CoordinatedShutdown.PhaseActorSystemTerminate(),
              "delete-results-spool",
              () -> {
                deleteTree(temp);
                return CompletableFuture.completedFuture(Done.getInstance());
              });
      return temp;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the results folder: " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A temporary folder left behind is harmless.
    }
  }
}
