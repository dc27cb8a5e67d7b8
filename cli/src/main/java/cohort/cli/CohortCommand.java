package cohort.cli;

import cohort.cli.local.EmbeddedCluster;
import cohort.client.CohortException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cohort} command line: run jobs, look at them, and start the cluster's JVMs. */
@Command(
    name = "cohort",
    mixinStandardHelpOptions = true,
    // Every subcommand takes --help (and --version) too: 'cohort submit --help'.
    scope = CommandLine.ScopeType.INHERIT,
    version = "cohort 0.1.0",
    description =
        "Cohort: a distributed worker cluster on the JVM; multiprocessing grown into a cluster.")
public final class CohortCommand implements Runnable {

  /** Exit code: every input succeeded, or the command did what it was asked. */
  public static final int OK = 0;

  /** Exit code: the job ended and some inputs failed. */
  public static final int JOB_FAILED = 1;

  /** Exit code: bad usage, or the coordinator could not be reached or refused the request. */
  public static final int USAGE = 2;

  /** Exit code: the user cancelled the job with Ctrl-C (128 + SIGINT, as shells report it). */
  public static final int INTERRUPTED = 130;

  /**
   * Exit code of a server that a fatal error in its own threads stopped (a JVM error Pekko does not
   * survive): 70, {@code EX_SOFTWARE} in sysexits.h.
   */
  public static final int FATAL = 70;

  /** Subcommands that run a server and log their lifecycle at INFO. */
  private static final Set<String> SERVERS = Set.of("coordinator", "node", "local");

  /** The subcommands, in the order the usage lists them. */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> subcommands = new LinkedHashMap<>();
    subcommands.put("submit", SubmitCommand::new);
    subcommands.put("status", StatusCommand::new);
    subcommands.put("cancel", CancelCommand::new);
    subcommands.put("joblog", JobLogCommand::new);
    subcommands.put("nodes", NodesCommand::new);
    subcommands.put("dashboard", DashboardCommand::new);
    subcommands.put("tasks", TasksCommand::new);
    subcommands.put("deploy", DeployCommand::new);
    subcommands.put("coordinator", CoordinatorCommand::new);
    subcommands.put("node", NodeCommand::new);
    subcommands.put("local", LocalCommand::new);
    subcommands.put("ca", CaCommand::new);
    subcommands.put("help", CommandLine.HelpCommand::new);
    return Collections.unmodifiableMap(subcommands);
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    if (args.length > 0 && SERVERS.contains(args[0])) {
      // Start logging before any thread can log, so no early lines are queued and replayed.
      // Client commands log nothing of their own: they start logging only if they start a
      // cluster (EmbeddedCluster), and skip its cost (a fifth of a `cohort status`) otherwise.
      org.slf4j.LoggerFactory.getILoggerFactory();
    } else {
      // Client commands keep the embedded cluster's lifecycle lines out of the user's terminal.
      System.setProperty("cohort.log.level", System.getProperty("cohort.log.level", "WARN"));
    }
    // A submit without a coordinator starts its in-process cluster while picocli reads the rest
    // (after the log level is set: the cluster starts logging).
    EmbeddedCluster.Starting early = submitRunsInProcess(args) ? EmbeddedCluster.begin() : null;
    CommandLine commandLine = commandLine(args);
    if (early != null) {
      SubmitCommand submit = commandLine.getSubcommands().get("submit").getCommand();
      submit.early = early;
    }
    int code = execute(commandLine, args);
    if (early != null) {
      early.abandon(); // when picocli refused the arguments before the command could use it
    }
    if (args.length > 0 && SERVERS.contains(args[0])) {
      System.exit(code);
    }
    ProcessExit.exit(code);
  }

  /**
   * Whether these arguments run a {@code submit} on the in-process cluster: no coordinator given by
   * flag or environment. Read before picocli parses them, so the cluster can start meanwhile; a
   * wrong guess only costs the cluster's start, which {@link SubmitCommand#call} then abandons.
   */
  static boolean submitRunsInProcess(String[] args) {
    if (args.length == 0 || !args[0].equals("submit")) {
      return false;
    }
    String environment = System.getenv("COHORT_COORDINATOR");
    if (environment != null && !environment.isBlank()) {
      return false;
    }
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--input")) {
        i++; // its value is an input, whatever it is
      } else if (arg.equals("--")) {
        break;
      } else if (arg.equals("--coordinator")
          || arg.startsWith("--coordinator=")
          || arg.equals("--detach")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs the command line. {@code submit exec ... -- CMD ARG...} takes everything after {@code --}
   * as exec's command, which picocli alone would mix with the inputs; a {@code --} that is the
   * value of {@code --input} is an input.
   */
  public static int execute(CommandLine commandLine, String[] args) {
    int split = commandStart(args);
    if (split > 0) {
      SubmitCommand submit = commandLine.getSubcommands().get("submit").getCommand();
      submit.command = java.util.List.of(args).subList(split + 1, args.length);
      args = java.util.Arrays.copyOf(args, split);
    }
    return commandLine.execute(args);
  }

  /** Where the {@code --} before exec's command is in a submit command line, or -1. */
  static int commandStart(String[] args) {
    if (args.length == 0 || !args[0].equals("submit")) {
      return -1;
    }
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--input")) {
        i++; // its value is an input, whatever it is
      } else if (args[i].equals("--")) {
        return i;
      }
    }
    return -1;
  }

  /** The configured command line with every subcommand, for {@link #main} and for tests. */
  public static CommandLine commandLine() {
    return commandLine(SUBCOMMANDS.keySet());
  }

  /**
   * The command line for these arguments: with only the subcommand they name, when they name one.
   * Picocli reads the options of every subcommand it is given, by reflection, before it parses
   * anything; a command needs only its own. Anything else (no subcommand, {@code help}, a misspelt
   * one) gets them all, for the usage and the suggestions.
   */
  static CommandLine commandLine(String[] args) {
    if (args.length > 0 && SUBCOMMANDS.containsKey(args[0]) && !args[0].equals("help")) {
      return commandLine(Set.of(args[0]));
    }
    return commandLine();
  }

  private static CommandLine commandLine(Set<String> names) {
    CommandLine commandLine = new CommandLine(new CohortCommand());
    SUBCOMMANDS.forEach(
        (name, command) -> {
          if (names.contains(name)) {
            commandLine.addSubcommand(name, command.get());
          }
        });
    commandLine.setExecutionExceptionHandler(CohortCommand::handle);
    commandLine.setParameterExceptionHandler(CohortCommand::usageError);
    return commandLine;
  }

  /**
   * A usage error: what was wrong, in one line, then the command's usage line, not the whole help
   * page that would bury the one line that matters.
   */
  private static int usageError(CommandLine.ParameterException failure, String[] args) {
    CommandLine commandLine = failure.getCommandLine();
    PrintWriter err = commandLine.getErr();
    String message = failure.getMessage().replaceFirst("^Error: ", "");
    err.println("cohort: " + message + dashHint(failure, commandLine));
    CommandLine.UnmatchedArgumentException.printSuggestions(failure, err);
    err.println(usageLine(commandLine));
    err.flush();
    return USAGE;
  }

  /**
   * For an unknown option, not a typo of a known one, where inputs are expected: how to give an
   * input that starts with -.
   */
  private static String dashHint(CommandLine.ParameterException failure, CommandLine commandLine) {
    if (!(failure instanceof CommandLine.UnmatchedArgumentException unmatched)
        || !unmatched.getSuggestions().isEmpty()
        || !commandLine.getCommandSpec().optionsMap().containsKey("--input")) {
      return "";
    }
    return unmatched.getUnmatched().stream()
        .filter(arg -> arg.startsWith("-"))
        .findFirst()
        .map(arg -> "; an input that starts with - goes after --input, such as --input " + arg)
        .orElse("");
  }

  /**
   * {@code Usage: cohort submit [OPTIONS] TASK [INPUT...] [-- COMMAND ARG...]}, and where the rest
   * is described.
   */
  private static String usageLine(CommandLine commandLine) {
    CommandLine.Model.CommandSpec spec = commandLine.getCommandSpec();
    String[] custom = spec.usageMessage().customSynopsis();
    String synopsis =
        custom.length > 0
            ? custom[0]
            : new CommandLine.Help(
                    spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
                .abbreviatedSynopsis()
                .trim();
    return "Usage: "
        + synopsis
        + "  ('"
        + spec.qualifiedName()
        + " --help' "
        + (spec.parent() == null ? "lists the subcommands)" : "describes every option)");
  }

  private static int handle(
      Exception failure, CommandLine commandLine, CommandLine.ParseResult parsed) {
    PrintWriter err = commandLine.getErr();
    if (failure instanceof CohortException
        || failure instanceof IllegalArgumentException
        || failure instanceof IllegalStateException
        || failure instanceof java.io.UncheckedIOException) {
      err.println("cohort: " + failure.getMessage());
    } else {
      err.println("cohort: unexpected error: " + failure);
      failure.printStackTrace(err);
    }
    err.flush();
    return USAGE;
  }
}
