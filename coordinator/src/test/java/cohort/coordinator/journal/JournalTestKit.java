package cohort.coordinator.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/** A test kit whose actor system journals to a real H2 file in a data folder, as a coordinator. */
public final class JournalTestKit {

  private JournalTestKit() {}

  /** A local actor system named {@code name}, its journal in {@code dataDir}. */
  public static ActorTestKit start(Path dataDir, String name) {
    String url = JournalConfig.h2Url(dataDir);
    JournalSchema.ensureH2(url, dataDir.toString());
    Config config =
        ConfigFactory.parseString("pekko.actor.provider = local")
            .withFallback(JournalConfig.at(url))
            .withFallback(ConfigFactory.parseResources("coordinator.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    return ActorTestKit.create(name, config);
  }
}
