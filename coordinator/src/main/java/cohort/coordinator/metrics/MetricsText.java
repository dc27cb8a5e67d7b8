package cohort.coordinator.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Metrics in the Prometheus text format (version 0.0.4), which every Prometheus scrapes. */
public final class MetricsText {

  /** The content type of the text. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

  private MetricsText() {}

  /** The counted metrics and those of the moment, in one text, sorted by name. */
  public static byte[] render(MetricSnapshots counted, List<MetricSnapshot> current) {
    List<MetricSnapshot> all = new ArrayList<>(current);
    counted.forEach(all::add);
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      WRITER.write(out, new MetricSnapshots(all));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the metrics: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }
}
