package cohort.coordinator.standby;

import cohort.coordinator.journal.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The lead among coordinators that share a journal: one row of the shared database says who holds
 * it, where it serves, and until when. Time is the database's own clock, so the coordinators'
 * clocks need not agree. Each call is one statement on one connection, opened again after a
 * failure; calls are serialized.
 */
public final class Lease implements AutoCloseable {

  /**
   * Who holds the lead.
   *
   * @param id the holder, one per coordinator start
   * @param httpUrl where it serves HTTP
   * @param clusterAddress where nodes join it, as {@code host:port}
   * @param term how many times the lead was taken, this time included
   */
  public record Holder(String id, String httpUrl, String clusterAddress, long term) {}

  private static final String TAKE =
      "UPDATE cohort_lease SET holder = ?, http_url = ?, cluster_address = ?, term = term + 1,"
          + " expires = clock_timestamp() + ? * INTERVAL '1 millisecond'"
          + " WHERE id = 1 AND (expires < clock_timestamp() OR holder = ?) RETURNING term";

  private static final String RENEW =
      "UPDATE cohort_lease SET expires = clock_timestamp() + ? * INTERVAL '1 millisecond'"
          + " WHERE id = 1 AND holder = ? AND expires > clock_timestamp()";

  private static final String RELEASE =
      "UPDATE cohort_lease SET expires = TIMESTAMPTZ 'epoch' WHERE id = 1 AND holder = ?";

  private static final String HOLDER =
      "SELECT holder, http_url, cluster_address, term FROM cohort_lease"
          + " WHERE id = 1 AND expires > clock_timestamp()";

  private final Postgres database;
  private final String id;
  private final Duration length;
  private final Duration timeout;
  private Connection connection;

  /**
   * @param database the shared database, whose schema exists
   * @param id this holder, unique to this start of a coordinator
   * @param length how long the lead lasts unless renewed
   */
  public Lease(Postgres database, String id, Duration length) {
    this.database = database;
    this.id = id;
    this.length = length;
    this.timeout =
        length.dividedBy(2).compareTo(Duration.ofSeconds(1)) < 0
            ? Duration.ofSeconds(1)
            : length.dividedBy(2);
  }

  public String id() {
    return id;
  }

  /**
   * Takes the lead when no one holds it, or holds it still.
   *
   * @return the new term, or empty when another holds the lead
   */
  public synchronized OptionalLong tryTake(String httpUrl, String clusterAddress)
      throws SQLException {
    return run(
        TAKE,
        statement -> {
          statement.setString(1, id);
          statement.setString(2, httpUrl);
          statement.setString(3, clusterAddress);
          statement.setLong(4, length.toMillis());
          statement.setString(5, id);
          try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
          }
        });
  }

  /**
   * Extends the lead by its length from now.
   *
   * @return false when this holder no longer has the lead: it ran out, or another took it
   */
  public synchronized boolean renew() throws SQLException {
    return run(
        RENEW,
        statement -> {
          statement.setLong(1, length.toMillis());
          statement.setString(2, id);
          return statement.executeUpdate() == 1;
        });
  }

  /**
   * Gives the lead up at once, if this holder has it: a standby need not wait for it to run out.
   */
  public synchronized void release() throws SQLException {
    run(
        RELEASE,
        statement -> {
          statement.setString(1, id);
          return statement.executeUpdate();
        });
  }

  /** Who holds the lead now, if anyone does. */
  public synchronized Optional<Holder> holder() throws SQLException {
    return run(
        HOLDER,
        statement -> {
          try (ResultSet rows = statement.executeQuery()) {
            return rows.next()
                ? Optional.of(
                    new Holder(
                        rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4)))
                : Optional.empty();
          }
        });
  }

  @Override
  public synchronized void close() {
    Postgres.close(connection);
    connection = null;
  }

  private interface Call<T> {
    T on(PreparedStatement statement) throws SQLException;
  }

  private <T> T run(String sql, Call<T> call) throws SQLException {
    try {
      if (connection == null) {
        connection = database.connect(timeout);
      }
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        statement.setQueryTimeout((int) timeout.toSeconds());
        return call.on(statement);
      }
    } catch (SQLException e) {
      close();
      throw e;
    }
  }
}
