package cohort.coordinator.standby;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.HandlerProvider;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;

/**
 * The HTTP handler of a coordinator that may stand by: it answers as a standby until the
 * coordinator takes the lead, then hands every request to the API, on the same port.
 */
public final class HttpSwitch implements HandlerProvider {

  private final ActorSystem<?> system;
  private volatile Function<HttpRequest, CompletionStage<HttpResponse>> current;

  private HttpSwitch(
      ActorSystem<?> system, Function<HttpRequest, CompletionStage<HttpResponse>> first) {
    this.system = system;
    this.current = first;
  }

  /** A handler that answers as {@code standby} does until {@link #switchTo}. */
  public static HttpSwitch serving(StandbyHttp standby, ActorSystem<?> system) {
    Materializer materializer = Materializer.matFromSystem(system);
    return new HttpSwitch(
        system,
        request -> CompletableFuture.completedFuture(standby.answer(request, materializer)));
  }

  /** From now on, {@code api} answers every request. */
  public void switchTo(HandlerProvider api) {
    current = api.handler(system);
  }

  @Override
  public Function<HttpRequest, CompletionStage<HttpResponse>> handler(
      ClassicActorSystemProvider provider) {
    return request -> current.apply(request);
  }
}
