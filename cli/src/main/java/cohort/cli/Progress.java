package cohort.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr (done/total, rate, ETA) when stderr is a terminal; else nothing. */
final class Progress implements AutoCloseable {

  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  /**
   * A bar for {@code total} results ({@code -1} when unknown, as for streamed inputs), or a silent
   * one when stderr is not a terminal.
   */
  static Progress create(String jobId, long total) {
    if (!stderrIsTerminal()) {
      return new Progress(null);
    }
    ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("job " + jobId)
            .setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .setUpdateIntervalMillis(250)
            .showSpeed()
            .build();
    return new Progress(bar);
  }

  /**
   * Whether stderr is a terminal. The launcher knows ({@code [ -t 2 ]}) and says so in {@code
   * cohort.stderr.tty}; without it, a console attached to this JVM is the best guess.
   */
  static boolean stderrIsTerminal() {
    String told = System.getProperty("cohort.stderr.tty");
    if (told != null) {
      return Boolean.parseBoolean(told);
    }
    return System.console() != null;
  }

  void step() {
    if (bar != null) {
      bar.step();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
