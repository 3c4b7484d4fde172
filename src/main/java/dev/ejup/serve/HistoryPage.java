package dev.ejup.serve;

import dev.ejup.model.Step;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The page at /: the modules, and the last probes with every step's status, time, detail and
 * hint, newest first; blackbox_exporter's front page, with the steps inline instead of a log
 * link. Plain HTML with a little CSS, no script: it must read in any browser and in curl.
 */
final class HistoryPage {
  private HistoryPage() {}

  static String render(List<History.Entry> entries, ServeConfig config, String reloadError) {
    StringBuilder html = new StringBuilder(4096 + entries.size() * 1024);
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ejup serve</title>\n")
        .append("<style>body{font-family:sans-serif;margin:1em 2em}table{border-collapse:collapse;margin-bottom:1em}")
        .append("td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}")
        .append(".OK{background:#dfd}.WARN{background:#ffd}.CRIT{background:#fdd}.UNKNOWN{background:#eee}")
        .append(".hint{color:#555;font-style:italic}</style></head><body>\n")
        .append("<h1>ejup serve</h1>\n<p>Probe exporter for XMPP HTTP File Upload. <a href=\"metrics\">Metrics</a> · ")
        .append("<a href=\"-/healthy\">Health</a> · config <code>").append(escape(config.file().toString())).append("</code></p>\n");
    if (reloadError != null) {
      html.append("<p class=\"CRIT\" id=\"reload-error\">The last reload failed; the previous config stays: ")
          .append(escape(reloadError)).append("</p>\n");
    }
    html.append("<h2>Modules</h2>\n<table id=\"modules\"><tr><th>module</th><th>jid</th><th>targets</th></tr>\n");
    for (String name : new TreeSet<>(config.modules().keySet())) {
      ServeConfig.Module m = config.modules().get(name);
      html.append("<tr><td>").append(escape(name)).append("</td><td>").append(escape(m.jid())).append("</td><td>")
          .append(escape(String.join(", ", m.targets()))).append("</td></tr>\n");
    }
    html.append("</table>\n<h2>Recent probes</h2>\n");
    if (entries.isEmpty()) {
      html.append("<p id=\"no-probes\">No probe yet. Try <code>/probe?module=NAME&amp;target=DOMAIN</code>.</p>\n");
    }
    html.append("<table id=\"probes\"><tr><th>time (UTC)</th><th>module</th><th>target</th><th>result</th><th>seconds</th><th>steps</th></tr>\n");
    for (History.Entry e : entries) {
      String result = e.success() ? "success" : "failure";
      html.append("<tr class=\"probe ").append(result).append("\"><td>").append(e.at().toString()).append("</td><td>")
          .append(escape(e.module())).append("</td><td>").append(escape(e.target())).append("</td><td class=\"")
          .append(e.success() ? "OK" : "CRIT").append("\">").append(result).append("</td><td>")
          .append(String.format(Locale.ROOT, "%.3f", e.seconds())).append("</td><td><table class=\"steps\">");
      for (Step step : e.report().steps()) {
        html.append("<tr><td class=\"").append(step.status().name()).append("\">").append(step.status().name())
            .append("</td><td>").append(escape(step.name())).append("</td><td>")
            .append(String.format(Locale.ROOT, "%.3fs", step.duration().toNanos() / 1e9)).append("</td><td>")
            .append(escape(step.detail()));
        if (step.hasHint()) {
          html.append("<div class=\"hint\">").append(escape(step.hint())).append("</div>");
        }
        html.append("</td></tr>");
      }
      html.append("</table></td></tr>\n");
    }
    return html.append("</table>\n</body></html>\n").toString();
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }
}
