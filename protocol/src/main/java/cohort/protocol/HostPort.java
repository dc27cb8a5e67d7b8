package cohort.protocol;

/**
 * A host and port, as given on the command line ({@code 127.0.0.1:25520}).
 *
 * @param host a host name or IP address
 * @param port 0 to 65535
 */
public record HostPort(String host, int port) {
  public HostPort {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is empty: give a host name or IP address");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range: use 0 to 65535");
    }
  }

  /**
   * Parses {@code HOST:PORT}.
   *
   * @param text the text to parse
   * @param what what the text is, for the error message, for example {@code --join}
   * @throws IllegalArgumentException naming {@code what}, the bad text and the expected form
   */
  public static HostPort parse(String text, String what) {
    String value = text == null ? "" : text.trim();
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(
          what + " '" + value + "' is not HOST:PORT; for example 127.0.0.1:25520");
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          what + " '" + value + "' has no numeric port; for example 127.0.0.1:25520");
    }
    try {
      return new HostPort(value.substring(0, colon), port);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " '" + value + "': " + e.getMessage());
    }
  }

  /**
   * Whether {@code host} is a loopback address or resolves to loopback addresses only: only this
   * machine can reach what binds there.
   */
  public static boolean loopbackOnly(String host) {
    try {
      java.net.InetAddress[] addresses = java.net.InetAddress.getAllByName(host);
      for (java.net.InetAddress address : addresses) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return addresses.length > 0;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /**
   * Checks a port number.
   *
   * @param what the setting or flag the port came from, for the error message
   * @return the port
   * @throws IllegalArgumentException naming {@code what} and the accepted range
   */
  public static int requirePort(int port, String what) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          what + " = " + port + " is out of range: use 0 to 65535 (0 picks a free port)");
    }
    return port;
  }

  /** The host and port of a cluster member's address, such as {@code 127.0.0.1:25520}. */
  public static HostPort of(org.apache.pekko.actor.Address address) {
    return new HostPort(address.getHost().orElse("local"), address.getPort().orElse(0));
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
