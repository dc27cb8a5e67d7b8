package cohort.pool;

import cohort.api.JobOutcome;
import cohort.api.JobRequest;
import cohort.api.JobStatus;
import cohort.api.Result;
import cohort.api.code.CodeRef;
import cohort.client.CohortClient;
import cohort.client.Credentials;
import cohort.pool.spi.LocalClusterProvider;
import cohort.task.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A cluster to run tasks on, used like Python's {@code multiprocessing.Pool}:
 *
 * <pre>{@code
 * try (Cohort cohort = Cohort.connect("http://127.0.0.1:8470")) {   // or Cohort.local(4)
 *   List<Integer> lengths = cohort.map(new WordLength(), List.of("a", "bb", "ccc"));
 * }
 * }</pre>
 *
 * <p>A task is an implementation of {@link Task}. When it is not one of Cohort's own, its code
 * travels with the job: the jar (or classes folder) its class comes from is uploaded to the
 * coordinator once, named by its SHA-256, and every node loads it in a class loader of its own. Its
 * class needs a public constructor without arguments, which the nodes call.
 *
 * <p>Inputs go to the cluster as JSON and outputs come back decoded into the task's output type,
 * both with Jackson. The token and TLS settings come from the environment, as for the {@code
 * cohort} command ({@link Credentials#fromEnvironment()}). Thread-safe: calls may run at once.
 */
public final class Cohort implements AutoCloseable {

  /** Inputs a job carries in its request at most; more are streamed to it as it runs. */
  static final int INLINE_INPUTS = 10_000;

  /** How long {@link #local(int)} waits for its cluster. */
  private static final Duration LOCAL_START = Duration.ofSeconds(60);

  private final CohortClient client;
  private final LocalClusterProvider.LocalCluster cluster;
  private final ObjectMapper mapper = JsonMapper.builder().findAndAddModules().build();
  private final Shipping shipping;
  private final Path scratch;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "cohort-pool");
            thread.setDaemon(true);
            return thread;
          });

  private Cohort(CohortClient client, LocalClusterProvider.LocalCluster cluster) {
    this.client = client;
    this.cluster = cluster;
    try {
      this.scratch = Files.createTempDirectory("cohort-pool-");
      scratch.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a scratch folder: " + e.getMessage(), e);
    }
    this.shipping = new Shipping(client.code(), scratch);
  }

  /**
   * The cluster whose coordinator serves at {@code url}, such as {@code http://127.0.0.1:8470},
   * with the token the environment gives ({@code COHORT_TOKEN}, {@code COHORT_TOKEN_FILE}, or the
   * coordinator's data folder on this machine). Nothing is sent until the first call.
   *
   * @throws IllegalArgumentException when {@code url} is not an http(s) URL
   */
  public static Cohort connect(String url) {
    return connect(URI.create(url), Credentials.fromEnvironment());
  }

  /** The cluster at {@code url}, presenting {@code credentials}. */
  public static Cohort connect(URI url, Credentials credentials) {
    return new Cohort(CohortClient.connect(url, credentials), null);
  }

  /**
   * The cluster {@code COHORT_COORDINATOR} names, else the one at {@code http://127.0.0.1:8470}.
   */
  public static Cohort connect() {
    String url = System.getenv("COHORT_COORDINATOR");
    return connect(url == null || url.isBlank() ? "http://127.0.0.1:8470" : url.trim());
  }

  /** A cluster inside this program with a slot per processor, like {@code Pool()}. */
  public static Cohort local() {
    return local(Runtime.getRuntime().availableProcessors());
  }

  /**
   * A cluster inside this program, like {@code Pool(slots)}: a coordinator and a node with {@code
   * slots} worker slots, stopped by {@link #close()}. Needs {@code cohort-cli} on the class path.
   *
   * @throws IllegalStateException when there is no cluster to start, saying what to add
   */
  public static Cohort local(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots is " + slots + "; give 1 or more");
    }
    LocalClusterProvider provider =
        ServiceLoader.load(LocalClusterProvider.class)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "Cohort.local needs the cluster on the class path: add the dependency"
                            + " cohort:cohort-cli, or connect to a running cluster with"
                            + " Cohort.connect(url)"));
    LocalClusterProvider.LocalCluster cluster = provider.start(slots, LOCAL_START);
    try {
      return new Cohort(
          CohortClient.connect(cluster.url(), Credentials.of(cluster.token())), cluster);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The HTTP client underneath, for what this API does not cover. */
  public CohortClient client() {
    return client;
  }

  /**
   * Runs the task over every input and returns the outputs in input order, like {@code Pool.map};
   * blocks until the job ends.
   *
   * @throws TaskFailedException for the first input (by index) whose task failed
   * @throws cohort.client.CohortException when the coordinator refuses the job, saying why
   */
  public <I, O> List<O> map(Task<I, ?, O> task, Iterable<? extends I> inputs) {
    return map(task, inputs, Options.defaults());
  }

  /**
   * As {@link #map(Task, Iterable)}, with options; results are in input order whatever they say.
   */
  public <I, O> List<O> map(Task<I, ?, O> task, Iterable<? extends I> inputs, Options options) {
    Codec<I, O> codec = Codec.of(task, mapper);
    Options ordered = options.ordered(true);
    if (inputs instanceof Collection<? extends I> list && list.size() <= INLINE_INPUTS) {
      JobOutcome outcome = client.run(request(task, ordered).withInputs(encode(codec, list)));
      JobHandle.checkNotCancelled(outcome.job());
      List<Result> results = new ArrayList<>(outcome.results());
      results.sort(Comparator.comparingLong(Result::index));
      List<O> values = new ArrayList<>(results.size());
      for (Result result : results) {
        values.add(codec.outcome(result).get());
      }
      return values;
    }
    return mapAsync(task, inputs, ordered).get();
  }

  /**
   * Runs the task over the inputs and returns the outputs in input order as they come, like {@code
   * Pool.imap}. Inputs are read from {@code inputs} only as fast as the cluster takes them.
   */
  public <I, O> Results<O> imap(Task<I, ?, O> task, Iterable<? extends I> inputs) {
    return imap(task, inputs.iterator(), Options.defaults());
  }

  /**
   * As {@link #imap(Task, Iterable)}, from an iterator (or {@code stream.iterator()}), with
   * options.
   */
  public <I, O> Results<O> imap(Task<I, ?, O> task, Iterator<? extends I> inputs, Options options) {
    return stream(task, inputs, options.ordered(true));
  }

  /**
   * As {@link #imap(Task, Iterable)}, the outputs in the order they complete, like {@code
   * imap_unordered}.
   */
  public <I, O> Results<O> imapUnordered(Task<I, ?, O> task, Iterable<? extends I> inputs) {
    return imapUnordered(task, inputs.iterator(), Options.defaults());
  }

  /** As {@link #imapUnordered(Task, Iterable)}, from an iterator, with options. */
  public <I, O> Results<O> imapUnordered(
      Task<I, ?, O> task, Iterator<? extends I> inputs, Options options) {
    return stream(task, inputs, options.unordered());
  }

  /**
   * Runs the task on one input, like {@code apply_async}: the future completes with its output, or
   * with its {@link TaskFailedException}. Cancelling the future stops the waiting, not the input,
   * as with {@code apply_async}; {@link #mapAsync} gives a job that can be cancelled.
   */
  public <I, O> CompletableFuture<O> submit(Task<I, ?, O> task, I input) {
    return submit(task, input, Options.defaults());
  }

  /** As {@link #submit(Task, Object)}, with options. */
  public <I, O> CompletableFuture<O> submit(Task<I, ?, O> task, I input, Options options) {
    List<I> one = new ArrayList<>(1);
    one.add(input);
    return CompletableFuture.supplyAsync(() -> map(task, one, options).get(0), threads);
  }

  /**
   * Starts the job and returns at once, like {@code map_async}: the handle shows its progress,
   * cancels it, waits for it and gives its results.
   */
  public <I, O> JobHandle<O> mapAsync(Task<I, ?, O> task, Iterable<? extends I> inputs) {
    return mapAsync(task, inputs, Options.defaults());
  }

  /** As {@link #mapAsync(Task, Iterable)}, with options. */
  public <I, O> JobHandle<O> mapAsync(
      Task<I, ?, O> task, Iterable<? extends I> inputs, Options options) {
    Codec<I, O> codec = Codec.of(task, mapper);
    if (inputs instanceof Collection<? extends I> list && list.size() <= INLINE_INPUTS) {
      JobStatus status = client.submit(request(task, options).withInputs(encode(codec, list)));
      return new JobHandle<>(client, status.id(), codec, () -> null);
    }
    Upload upload = upload(task, inputs.iterator(), options, codec);
    return new JobHandle<>(client, upload.job(), codec, upload::failure);
  }

  /**
   * Runs the task over the inputs and combines the outputs at the coordinator, like {@code
   * sum(pool.map(...))} without the outputs travelling back: {@code sum}, {@code count}, {@code
   * min} or {@code max}, exact for big integers.
   *
   * @return the combined value, or null when there was nothing to combine
   * @throws TaskFailedException for the first input that failed
   */
  public <I> Number reduce(Task<I, ?, ?> task, Iterable<? extends I> inputs, String combiner) {
    JobHandle<?> job = mapAsync(task, inputs, Options.defaults().combine(combiner).unordered());
    JobStatus end = job.awaitEnd();
    if (end.failed() > 0) {
      job.outcomes().forEach(Outcome::get); // only then do the outputs travel: to find the failure
    }
    return job.combined();
  }

  private <I, O> Results<O> stream(
      Task<I, ?, O> task, Iterator<? extends I> inputs, Options options) {
    Codec<I, O> codec = Codec.of(task, mapper);
    Upload upload = upload(task, inputs, options, codec);
    java.util.stream.Stream<Result> results = client.results(upload.job());
    Runnable close =
        () -> {
          upload.stop();
          try {
            if (!client.status(upload.job()).state().terminal()) {
              client.cancel(upload.job());
            }
          } finally {
            results.close();
          }
        };
    return new Results<>(upload.job(), results.iterator(), codec, close, upload::failure);
  }

  /** Starts a streamed job and sends its inputs from a thread of this pool's. */
  private <I> Upload upload(
      Task<I, ?, ?> task, Iterator<? extends I> inputs, Options options, Codec<I, ?> codec) {
    JobStatus status = client.submit(request(task, options).withStream(true));
    Upload upload = new Upload(status.id());
    Iterator<JsonNode> json =
        new Iterator<>() {
          private long index;

          @Override
          public boolean hasNext() {
            return inputs.hasNext();
          }

          @Override
          public JsonNode next() {
            return codec.input(inputs.next(), index++);
          }
        };
    upload.start(
        threads, () -> client.sendInputs(status.id(), json), () -> client.cancel(status.id()));
    return upload;
  }

  private JobRequest request(Task<?, ?, ?> task, Options options) {
    CodeRef code = shipping.codeFor(task, options);
    JobRequest request = JobSettings.request(task, options, code, mapper);
    return options.broadcasts().isEmpty()
        ? request
        : request.withBroadcast(client.broadcasts().shareAll(options.broadcasts()));
  }

  private static <I> List<JsonNode> encode(Codec<I, ?> codec, Collection<? extends I> inputs) {
    List<JsonNode> json = new ArrayList<>(inputs.size());
    long index = 0;
    for (I input : inputs) {
      json.add(codec.input(input, index++));
    }
    return json;
  }

  /** Stops the cluster inside this program, if any, and this pool's threads. */
  @Override
  public void close() {
    threads.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }
}
