package cohort.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Draws the verdict as a bar chart with JFreeChart: for every target that compares Cohort with a
 * peer, how many times better Cohort did (its rate over the peer's, or the peer's latency over
 * Cohort's), next to what the target asks; 1 is a tie.
 */
public final class RatioChart {

  private RatioChart() {}

  public static void write(Path png, List<CaseResult> results) throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (CaseResult result : results) {
      for (Check check : result.checks()) {
        if (check.denominator() == null) {
          continue;
        }
        List<Double> values = check.values(result.series());
        if (values.isEmpty()) {
          continue;
        }
        boolean higher = check.higherIsBetter(result.series());
        double median = Stats.of(values).median();
        String row = result.number() + ". " + check.label();
        data.addValue(higher ? median : 1 / median, "measured", row);
        data.addValue(higher ? check.bound() : 1 / check.bound(), "target", row);
      }
    }
    NumberAxis axis = new NumberAxis("times better than the peer (higher is better; 1 = a tie)");
    CategoryAxis rows = new CategoryAxis();
    rows.setMaximumCategoryLabelWidthRatio(0.45f);
    rows.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    BarRenderer bars = new BarRenderer();
    bars.setBarPainter(new StandardBarPainter());
    bars.setShadowVisible(false);
    bars.setSeriesPaint(0, new Color(0x2b6cb0));
    bars.setSeriesPaint(1, new Color(0xcbd5e0));
    CategoryPlot plot = new CategoryPlot(data, rows, axis, bars);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    ValueMarker tie = new ValueMarker(1.0, Color.DARK_GRAY, new BasicStroke(1.5f));
    plot.addRangeMarker(tie);
    JFreeChart chart =
        new JFreeChart(
            "Cohort against its peers, median of paired rounds",
            JFreeChart.DEFAULT_TITLE_FONT,
            plot,
            true);
    chart.setBackgroundPaint(Color.WHITE);
    Files.createDirectories(png.toAbsolutePath().getParent());
    int height = 120 + 44 * Math.max(1, data.getColumnCount());
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, height);
  }
}
