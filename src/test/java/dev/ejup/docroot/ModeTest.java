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
  void statOutputAndParents() {
    PathState s = PathState.parse("/srv/up", "directory|root|root|755\n").orElseThrow();
    assertEquals("root:root 0755", s.describe());
    assertTrue(s.isDirectory());
    assertTrue(PathState.parse("/x", "garbage").isEmpty());
    assertEquals("/srv", Docroot.parentOf("/srv/up"));
    assertEquals("/", Docroot.parentOf("/srv"));
    assertNull(Docroot.parentOf("/"));
  }
}
