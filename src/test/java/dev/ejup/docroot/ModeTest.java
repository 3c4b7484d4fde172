package dev.ejup.docroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModeTest {
  private static final List<String> GROUPS = List.of("ejabberd", "ssl-cert");

  @Test
  void ownerGroupAndOthersAreJudgedInThatOrder() {
    assertTrue(Mode.canWriteDirectory("ejabberd", GROUPS, "ejabberd", "ejabberd", 0700));
    assertFalse(Mode.canWriteDirectory("ejabberd", GROUPS, "root", "root", 0755), "the classic failure");
    assertTrue(Mode.canWriteDirectory("ejabberd", GROUPS, "root", "ejabberd", 0770));
    assertFalse(Mode.canWriteDirectory("ejabberd", GROUPS, "ejabberd", "root", 0077), "owner bits win even when others allow");
    assertTrue(Mode.canSearch("ejabberd", GROUPS, "root", "root", 0711));
    assertFalse(Mode.canSearch("ejabberd", GROUPS, "root", "root", 0700));
    assertTrue(Mode.canSearch("root", GROUPS, "nobody", "nogroup", 0000));
  }

  @Test
  void whoElseMayWrite() {
    assertEquals("any local user", Mode.otherWriters(0777, "ejabberd"));
    assertEquals("any member of group ejabberd", Mode.otherWriters(0775, "ejabberd"));
    assertEquals("", Mode.otherWriters(0755, "ejabberd"));
    assertEquals(0750, Mode.parse("0750"));
    assertEquals(0750, Mode.parse("750"));
    assertEquals(-1, Mode.parse("rwx"));
    assertEquals(-1, Mode.parse("99999"));
  }

  @Test
  void statOutputAndParents() {
    PathState s = PathState.parse("/srv/up", "directory|root|root|755|0|0\n").orElseThrow();
    assertEquals("root:root 0755", s.describe());
    PathState container = PathState.parse("/srv/up", "directory|UNKNOWN|UNKNOWN|777|9000|9001\n").orElseThrow();
    assertEquals("9000:9001 0777", container.describe(), "an owner with no name here is its number, as ls shows it");
    assertTrue(Mode.canWriteDirectory("9000", List.of("9001"), container.owner(), container.group(), 0700));
    assertTrue(s.isDirectory());
    assertTrue(PathState.parse("/x", "garbage").isEmpty());
    assertEquals("/srv", Docroot.parentOf("/srv/up"));
    assertEquals("/", Docroot.parentOf("/srv"));
    assertNull(Docroot.parentOf("/"));
  }
}
