package dev.ejup.report;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Reports shaped like what the check and a fleet run produce, for the golden-file tests. */
final class SampleReports {
  private SampleReports() {}

  static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  static Report passing() {
    return new Report("check", "localhost", List.of(
        Step.ok("connect", ms(12), "127.0.0.1:5222 STARTTLS TLSv1.3, certificate valid for localhost"),
        Step.ok("login", ms(25), "hc@localhost via SCRAM-SHA-1"),
        Step.ok("put", ms(34), "HTTP 201 Created, 1024 bytes")),
        Map.of("upload_max_file_size_bytes", 104857600.0));
  }

  static Report failing() {
    return new Report("check", "localhost", List.of(
        Step.of("connect", Status.WARN, ms(12), "certificate not trusted, accepted because of --insecure",
            "install a certificate valid for localhost"),
        Step.ok("slot", ms(3), "PUT https://localhost:5443/upload/ab/cd/ejup-check-1.bin"),
        Step.of("put", Status.CRIT, ms(41), "HTTP 500 Internal Server Error",
            "the docroot is probably not writable by ejabberd's user: run 'ejup docroot check'")));
  }

  /** A fleet: names with characters that every format must escape. */
  static List<Report> fleet() {
    return List.of(
        passing(),
        new Report("check", "down.example \"b\"", List.of(
            Step.of("connect", Status.UNKNOWN, ms(5001), "connection refused <127.0.0.1:5222> & gave up",
                "start ejabberd: ejabberdctl start"))));
  }
}
