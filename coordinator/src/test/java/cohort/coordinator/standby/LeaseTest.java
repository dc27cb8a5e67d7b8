package cohort.coordinator.standby;

import static org.assertj.core.api.Assertions.assertThat;

import cohort.coordinator.journal.JournalSchema;
import cohort.coordinator.journal.Postgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lead among coordinators, in a real PostgreSQL server. */
class LeaseTest {

  private static EmbeddedPostgres server;
  private static Postgres database;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedPostgres.builder().start();
    database = new Postgres(server.getJdbcUrl("postgres", "postgres"), "", "");
    JournalSchema.ensurePostgres(database);
    JournalSchema.ensurePostgres(database); // again: a second coordinator's start
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void free() throws Exception {
    sql("UPDATE cohort_lease SET holder = '', expires = TIMESTAMPTZ 'epoch'");
  }

  private static void sql(String statement) throws Exception {
    try (Connection connection = database.connect(Duration.ofSeconds(5));
        Statement run = connection.createStatement()) {
      run.execute(statement);
    }
  }

  @Test
  void oneHolderAtATimeUntilItGivesTheLeadUp() throws Exception {
    try (Lease a = new Lease(database, "a", Duration.ofMinutes(1));
        Lease b = new Lease(database, "b", Duration.ofMinutes(1))) {
      long term = a.tryTake("http://a", "a:1").orElseThrow();
      assertThat(b.tryTake("http://b", "b:1")).isEmpty();
      assertThat(b.holder()).hasValueSatisfying(h -> assertThat(h.httpUrl()).isEqualTo("http://a"));
      assertThat(a.renew()).isTrue();
      assertThat(b.renew()).isFalse();
      a.release();
      assertThat(b.holder()).isEmpty();
      assertThat(b.tryTake("http://b", "b:1")).hasValue(term + 1);
      assertThat(a.renew()).isFalse();
    }
  }

  @Test
  void aLeadThatRunsOutCanBeTakenAndNotRenewed() throws Exception {
    try (Lease a = new Lease(database, "a", Duration.ofMillis(300));
        Lease b = new Lease(database, "b", Duration.ofMinutes(1))) {
      assertThat(a.tryTake("http://a", "a:1")).isPresent();
      sql("UPDATE cohort_lease SET expires = clock_timestamp() - INTERVAL '1 second'");
      assertThat(a.renew()).isFalse();
      assertThat(b.tryTake("http://b", "b:1")).isPresent();
    }
  }

  @Test
  void aStandbyTakesOverAndALeaderThatLosesTheLeadGivesUp() throws Exception {
    StandbySettings settings = new StandbySettings(database, Duration.ofMillis(600));
    CompletableFuture<String> aLost = new CompletableFuture<>();
    CompletableFuture<Long> aWon = new CompletableFuture<>();
    CompletableFuture<Long> bWon = new CompletableFuture<>();
    try (Leadership a =
            new Leadership(new Lease(database, "a", settings.lease()), settings, aLost::complete);
        Leadership b =
            new Leadership(new Lease(database, "b", settings.lease()), settings, why -> {})) {
      a.standBy("http://a", "a:1", aWon::complete);
      aWon.get(10, TimeUnit.SECONDS);
      b.standBy("http://b", "b:1", bWon::complete);
      // The standby learns who leads, and does not take over while the leader renews.
      while (b.holder().isEmpty()) {
        Thread.onSpinWait();
      }
      assertThat(b.holder().get().httpUrl()).isEqualTo("http://a");
      assertThat(b.leading()).isFalse();
      // Another takes the lead behind the leader's back: the leader hears it at its next renewal.
      sql(
          "UPDATE cohort_lease SET holder = 'x', expires = clock_timestamp() + INTERVAL '1"
              + " second'");
      assertThat(aLost.get(10, TimeUnit.SECONDS)).contains("another coordinator took the lead");
      // When that lead runs out, the standby takes it.
      assertThat(bWon.get(10, TimeUnit.SECONDS)).isGreaterThan(aWon.get());
      assertThat(b.leading()).isTrue();
    }
  }
}
