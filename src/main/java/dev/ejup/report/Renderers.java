package dev.ejup.report;

/** The one place that maps a {@link Format} to its renderer. */
public final class Renderers {
  private Renderers() {}

  public static Renderer of(Format format, RenderOptions options) {
    return switch (format) {
      case TEXT -> new TextRenderer(options.color());
      case JSON -> new JsonRenderer();
      case NAGIOS -> new NagiosRenderer(options.warningSeconds(), options.criticalSeconds());
      case PROMETHEUS -> new PrometheusRenderer();
      case JUNIT -> new JunitRenderer();
    };
  }
}
