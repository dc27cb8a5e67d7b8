package cohort.client;

import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of the client's {@link java.net.http.HttpClient}, which wants one even for plain
 * HTTP: the coordinator speaks plain HTTP, and {@link CohortClient#connect} refuses other URLs. The
 * JDK's default context reads and parses every certificate the system trusts, and any real context
 * sets up the whole TLS engine, when the client is built: a third of the CPU of a {@code cohort
 * status}. This one does nothing, and refuses to be used.
 */
final class PlainHttpOnly extends SSLContextSpi {

  /** The context to build the client with. */
  static final SSLContext CONTEXT = new SSLContext(new PlainHttpOnly(), null, "none") {};

  /** The client's TLS parameters, given so that it does not ask the context for its defaults. */
  static SSLParameters parameters() {
    return new SSLParameters();
  }

  private PlainHttpOnly() {}

  private static UnsupportedOperationException refused() {
    return new UnsupportedOperationException("Cohort's client speaks plain HTTP only");
  }

  @Override
  protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) {
    throw refused();
  }

  @Override
  protected SSLSocketFactory engineGetSocketFactory() {
    throw refused();
  }

  @Override
  protected SSLServerSocketFactory engineGetServerSocketFactory() {
    throw refused();
  }

  @Override
  protected SSLEngine engineCreateSSLEngine() {
    throw refused();
  }

  @Override
  protected SSLEngine engineCreateSSLEngine(String host, int port) {
    throw refused();
  }

  @Override
  protected SSLSessionContext engineGetServerSessionContext() {
    throw refused();
  }

  @Override
  protected SSLSessionContext engineGetClientSessionContext() {
    throw refused();
  }
}
