package dev.ejup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On every build, without servers: each README example says how {@link ReadmeIT} runs it. */
class ReadmeMarkersTest {
  /** A new example cannot slip in untested: whatever looks like something to run says how it is run. */
  @Test
  void everyExampleSaysHowItIsTested() throws IOException {
    List<ReadmeIT.Block> blocks = ReadmeIT.blocks();
    List<String> unmarked = blocks.stream().filter(b -> b.runnable() && b.marker().isEmpty())
        .map(b -> "README.md:" + b.line() + ": " + b.lines().get(0)).toList();
    assertEquals(List.of(), unmarked, "add <!-- doctest: exits ... --> (or skip: WHY) above these blocks");
    long skipped = blocks.stream().filter(b -> b.marker().startsWith("skip")).count();
    assertTrue(skipped <= 2, "keep the examples that cannot run short: " + skipped);
    assertTrue(blocks.stream().filter(b -> b.marker().contains("exits")).count() >= 10, "the examples are found: " + blocks);
  }

  @Test
  void optionsAreAddedOnlyWhenTheExampleLacksThem() {
    assertEquals("ejup check --jid a@b --server s:1", ReadmeIT.withOptions("ejup check --jid a@b   # why", "--server s:1"));
    assertEquals("ejup check --server x:2", ReadmeIT.withOptions("ejup check --server x:2", "--server s:1"));
    assertEquals("ejup play b.yml -e server=x -e config=c", ReadmeIT.withOptions("ejup play b.yml -e server=x", "-e server=s -e config=c"));
  }
}
