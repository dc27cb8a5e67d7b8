package cohort.cli;

import cohort.protocol.security.ClusterCa;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cohort ca}: the cluster's certificate authority. {@code init DIR} makes one; {@code issue
 * --host H DIR} gives a member (a coordinator or node on host H) its key and certificate, which it
 * is started with ({@code --cluster-tls-dir}); the coordinator can serve HTTPS with the same files
 * ({@code --tls-cert}, {@code --tls-key}).
 */
@Command(
    name = "ca",
    description = {
      "Make the cluster's certificate authority and issue its members' certificates.",
      "Every coordinator and node presents a certificate signed by the cluster's CA and",
      "accepts only peers that do: cohort ca init DIR, then cohort ca issue --host H DIR",
      "for each machine, and start its members with --cluster-tls-dir DIR/H."
    },
    subcommands = {CaCommand.Init.class, CaCommand.Issue.class})
final class CaCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code cohort ca init DIR}. */
  @Command(name = "init", description = "Make a new CA in DIR: ca.key (keep it secret) and ca.crt.")
  static final class Init implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "The folder to keep the CA in.")
    Path dir;

    @Option(
        names = "--name",
        paramLabel = "NAME",
        description = "Names the cluster in the CA's certificate (default: Cohort cluster).")
    String name = "Cohort cluster";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      ClusterCa ca = ClusterCa.init(dir, name);
      PrintWriter out = spec.commandLine().getOut();
      out.println("cohort ca: made a CA in " + dir.toAbsolutePath());
      out.println(
          "  "
              + dir.resolve(ClusterCa.CA_KEY)
              + " signs members' certificates: keep it secret, off the cluster's machines");
      out.println(
          "  next: cohort ca issue --host HOST " + dir + " for each machine of the cluster");
      out.println("  valid until " + ca.certificate().getNotAfter().toInstant());
      out.flush();
      return CohortCommand.OK;
    }
  }

  /** {@code cohort ca issue --host H DIR}. */
  @Command(
      name = "issue",
      description =
          "Issue a member's key and certificate for the hosts given: tls.key, tls.crt and ca.crt"
              + " in DIR/HOST (or --out).")
  static final class Issue implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "The CA's folder (cohort ca init made it).")
    Path dir;

    @Option(
        names = "--host",
        paramLabel = "HOST",
        required = true,
        description =
            "A name or address the member is reached at: its --advertise, or else its --host;"
                + " repeat for more names.")
    List<String> hosts;

    @Option(
        names = "--out",
        paramLabel = "OUT",
        description = "Where to write the files (default: DIR/HOST).")
    Path out;

    @Option(
        names = "--days",
        paramLabel = "N",
        description = "How long the certificate is valid, in days (default 365).")
    int days = (int) ClusterCa.MEMBER_VALIDITY.toDays();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (days < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--days must be 1 or more; it was " + days);
      }
      Path target = out != null ? out : dir.resolve(hosts.get(0).replace(':', '_'));
      ClusterCa.open(dir).issue(hosts, Duration.ofDays(days), target);
      PrintWriter print = spec.commandLine().getOut();
      print.println(
          "cohort ca: issued a certificate for "
              + String.join(", ", hosts)
              + " in "
              + target.toAbsolutePath());
      print.println(
          "  start the member there with --cluster-tls-dir "
              + target
              + " (and a coordinator's HTTPS with --tls-cert "
              + target.resolve(ClusterCa.MEMBER_CERT)
              + " --tls-key "
              + target.resolve(ClusterCa.MEMBER_KEY)
              + ")");
      print.flush();
      return CohortCommand.OK;
    }
  }
}
