package dev.ejup.report;

/**
 * What a renderer needs beyond the reports.
 *
 * @param warningSeconds total-time threshold shown in Nagios perfdata, or null
 * @param criticalSeconds likewise
 * @param color ANSI colours in text output (only when stdout is a terminal)
 */
public record RenderOptions(Double warningSeconds, Double criticalSeconds, boolean color) {
  public static final RenderOptions DEFAULT = new RenderOptions(null, null, false);
}
