package dev.ejup.report;

import dev.ejup.model.Report;
import dev.ejup.model.Status;
import dev.ejup.model.Step;
import java.time.Duration;
import java.util.LinkedHashMap;
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

  /**
   * `docroot fix` as it reports: one "fix" step per command, then the check's steps, with a
   * message holding what Nagios and Prometheus treat specially ('|', a line break, quotes).
   */
  static List<Report> docrootFix() {
    return List.of(new Report("docroot", "root@127.0.0.1:2222", List.of(
        Step.ok("config", ms(40), "/etc/ejabberd/ejabberd.yml: docroot @HOME@/upload"),
        Step.ok("user", ms(8), "ejabberd runs as ejabberd:ejabberd (from the running ejabberd process)"),
        Step.ok("fix", ms(1), "ran: chown -R -P -- ejabberd:ejabberd /var/lib/ejabberd/upload"),
        Step.ok("fix", ms(2), "ran: find -P /var/lib/ejabberd/upload -type d '(' '!' -perm -0700 -o -perm /022 ')' -exec chmod u+rwx,go-w {} +"),
        Step.of("fix", Status.CRIT, ms(3), "`chmod -- 0640 '/srv/up|load'` failed: chmod: cannot access\n'/srv/up|load': No such file",
            "the commands before this one were done; fix the cause and run ejup docroot fix again"),
        Step.of("permissions", Status.WARN, ms(1), "/srv/x y is 9000:9000 0777: any local user may replace or delete what XMPP users download",
            "run: ejup docroot fix (removes group and other write)"),
        Step.ok("fix", ms(0), "nothing to change"),
        Step.ok("fix", ms(0), "ran: a \"quoted\" = thing"))));
  }

  /** Every sample by name: the golden ones and the shapes only real runs used to produce. */
  static Map<String, List<Report>> all() {
    Map<String, List<Report>> all = new LinkedHashMap<>();
    all.put("passing", List.of(passing()));
    all.put("failing", List.of(failing()));
    all.put("fleet", fleet());
    all.put("docroot-fix", docrootFix());
    all.put("no steps", List.of(new Report("docroot", "localhost", List.of())));
    all.put("no reports", List.of());
    all.put("a target twice", List.of(failing(), passing(), new Report("playbook:healthcheck", "localhost", List.of(
        Step.of("check", Status.UNKNOWN, ms(7), "did not run | line\ntwo", "")), Map.of("upload_max_file_size_bytes", Double.NaN))));
    return all;
  }
}
