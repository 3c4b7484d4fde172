package dev.ejup.report;

import dev.ejup.model.Report;
import java.util.List;

/**
 * Turns reports into one output format. Pure: no I/O, no clock, no decisions about status;
 * adding a format never touches the logic, adding a step never touches a renderer.
 * Several reports are several targets (a fleet); a single run passes one.
 */
public interface Renderer {
  String render(List<Report> reports);

  default String render(Report report) {
    return render(List.of(report));
  }
}
