package cohort.coordinator.journal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * A journal on a shared PostgreSQL database, where coordinators that share it take turns: one is
 * active, the others stand by.
 *
 * @param url a JDBC URL, {@code jdbc:postgresql://HOST:PORT/DATABASE}, with parameters if any
 * @param user the database user; empty to take it from the URL
 * @param password the user's password; empty to take it from the URL, or for none
 */
public record Postgres(String url, String user, String password) {

  private static final String PREFIX = "jdbc:postgresql://";

  /**
   * Checks that {@code url} names a PostgreSQL database.
   *
   * @throws IllegalArgumentException saying what a journal URL looks like
   */
  public Postgres {
    if (!url.startsWith(PREFIX) || url.length() == PREFIX.length()) {
      throw new IllegalArgumentException(
          "the journal '"
              + url
              + "' is not a PostgreSQL JDBC URL: give jdbc:postgresql://HOST:PORT/DATABASE, or"
              + " leave it empty to keep the journal in the data folder");
    }
  }

  /** The URL without its parameters, which may hold a password: for messages and logs. */
  public String shown() {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  /** Closes {@code connection}, if open; a broken one closes with nothing lost. */
  public static void close(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Nothing was pending on it.
      }
    }
  }

  /**
   * A new connection that gives up on a silent server after {@code timeout}: a coordinator must
   * learn soon that it lost the database, since the database says who is active.
   */
  public Connection connect(Duration timeout) throws SQLException {
    Properties properties = new Properties();
    if (!user.isEmpty()) {
      properties.setProperty("user", user);
    }
    if (!password.isEmpty()) {
      properties.setProperty("password", password);
    }
    int seconds = (int) Math.max(1, timeout.toSeconds());
    properties.setProperty("connectTimeout", Integer.toString(seconds));
    properties.setProperty("socketTimeout", Integer.toString(seconds));
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("ApplicationName", "cohort coordinator");
    return DriverManager.getConnection(url, properties);
  }
}
