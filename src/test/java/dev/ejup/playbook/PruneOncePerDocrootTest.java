package dev.ejup.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejup.model.Report;
import dev.ejup.model.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of virtual hosts on one server names one config for every target, hence one docroot:
 * the healthcheck's prune ran once per target (seven commands each, half of a 50-vhost run's CPU)
 * and found nothing after the first. It runs once per docroot per run now; every target still
 * reports the step, with the result of the target that ran it. Another config is pruned on its own.
 */
class PruneOncePerDocrootTest {
  private static Path config(Path dir, String name) throws Exception {
    Path docroot = Files.createDirectories(dir.resolve(name + "-upload"));
    Path old = Files.writeString(Files.createDirectories(docroot.resolve("h/r")).resolve("ejup-check-1.bin"), "x");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(3))));
    String base = Files.readString(Path.of("src/test/resources/config/base.yml"));
    return Files.writeString(dir.resolve(name + ".yml"), base.replace("    put_url: https://@HOST@:5443/upload\n",
        "    put_url: https://@HOST@:5443/upload\n    docroot: \"" + docroot + "\"\n"));
  }

  @Test
  void targetsSharingAConfigPruneItsDocrootOnce(@TempDir Path dir) throws Exception {
    Path shared = config(dir, "shared");
    Path own = config(dir, "own");
    Path inventory = Files.writeString(dir.resolve("targets.yml"),
        "- {name: vh1, config: '" + shared + "'}\n- {name: vh2, config: '" + shared + "'}\n"
            + "- {name: vh3, config: '" + shared + "'}\n- {name: other, config: '" + own + "'}\n");
    Path book = Files.writeString(dir.resolve("b.yml"),
        "name: b\nvars: {config: ''}\nsteps:\n  - docroot prune: {config: '${config}', older_than: 1d}\n");
    Play play = Play.prepare(new Play.Request(book, inventory, null, Map.of(), 3, Duration.ofSeconds(60), false, Map.of(), null));
    assertEquals(List.of(), play.problems());
    List<Report> reports = play.run();
    List<Step> prunes = reports.stream().map(r -> r.steps().get(0)).toList();
    String shares = " this run for every target of " + shared + " (by target ";
    List<Step> ran = prunes.subList(0, 3).stream().filter(s -> !s.detail().contains(shares)).toList();
    assertEquals(1, ran.size(), "one of the three targets of the shared config prunes it: " + prunes);
    for (Step s : prunes.subList(0, 3)) {
      assertEquals(ran.get(0).status(), s.status(), s.toString());
      assertTrue(s == ran.get(0) || s.detail().endsWith(": " + ran.get(0).detail()), "carries the pruning target's result: " + s);
    }
    assertFalse(prunes.get(3).detail().contains(" this run for every target of "), "another config's docroot is pruned on its own: " + prunes.get(3));
    for (Step s : prunes.subList(0, 3)) {
      // a failed shared prune is not worded as done
      assertEquals(s.status() == dev.ejup.model.Status.OK || s == ran.get(0), s == ran.get(0) || s.detail().startsWith("pruned once"), s.toString());
    }
    assertEquals(ran.get(0).status(), prunes.get(3).status(), prunes.toString());
    if (ran.get(0).detail().contains("removed 1 file(s)")) {
      // where the machine lets docroot prune run at all (it asks who ejabberd runs as)
      assertFalse(Files.exists(dir.resolve("shared-upload/h/r/ejup-check-1.bin")));
      assertTrue(prunes.get(3).detail().contains("removed 1 file(s)"), prunes.get(3).toString());
    }
  }
}
