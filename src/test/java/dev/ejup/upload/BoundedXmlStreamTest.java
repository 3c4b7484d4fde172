package dev.ejup.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The bound counts per top-level item: a long stream of normal stanzas passes, one endless item does not. */
class BoundedXmlStreamTest {
  private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
      + "xmlns:stream='http://etherx.jabber.org/streams' id='x' version='1.0'>";

  private static long readAll(String xml, AtomicReference<BoundedXmlStream.Exceeded> tripped) throws IOException {
    try (InputStream in = new BoundedXmlStream(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), tripped)) {
      return in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  private static BoundedXmlStream.Exceeded refused(String xml) {
    AtomicReference<BoundedXmlStream.Exceeded> tripped = new AtomicReference<>();
    BoundedXmlStream.Exceeded e = assertThrows(BoundedXmlStream.Exceeded.class, () -> readAll(xml, tripped));
    assertEquals(e, tripped.get());
    return e;
  }

  @Test
  void manyNormalStanzasAddUpToMoreThanTheBound() throws IOException {
    String stanza = "<iq type='result' id='a1' from='upload.localhost'><query xmlns='http://jabber.org/protocol/disco#info'>"
        + "<x xmlns='jabber:x:data' type='result'><field var='max-file-size'><value>104857600</value></field></x>"
        + "<![CDATA[ a <b> ]]]> </query></iq> <message><body>" + "é".repeat(200_000) + "</body></message>\n";
    String xml = HEADER + stanza.repeat(10) + "</stream:stream>";
    AtomicReference<BoundedXmlStream.Exceeded> tripped = new AtomicReference<>();
    assertTrue(readAll(xml, tripped) > BoundedXmlStream.MAX_ITEM * 3L);
    assertNull(tripped.get());
  }

  @Test
  void oneStanzaOverTheBound() {
    String xml = HEADER + "<message><body>" + "x".repeat(BoundedXmlStream.MAX_ITEM) + "</body></message>";
    assertTrue(refused(xml).getMessage().contains("an XML element of more than 1 MiB"));
  }

  @Test
  void textBetweenStanzasOverTheBound() {
    assertTrue(refused(HEADER + "<iq/>" + " ".repeat(BoundedXmlStream.MAX_ITEM + 1)).getMessage().contains("text between stanzas"));
  }

  @Test
  void anAttributeOverTheBound() {
    assertTrue(refused(HEADER + "<iq id='" + "1".repeat(BoundedXmlStream.MAX_TAG)).getMessage().contains("an attribute value of more than 64 KiB"));
  }

  @Test
  void theStreamHeaderItselfIsBounded() {
    assertTrue(refused("<stream:stream id=\"" + "1".repeat(BoundedXmlStream.MAX_TAG)).getMessage().contains("attribute value"));
  }

  @Test
  void aCdataSectionThatNeverEnds() {
    assertTrue(refused(HEADER + "<message><body><![CDATA[" + "<a>".repeat(BoundedXmlStream.MAX_ITEM / 3)).getMessage().contains("does not end"));
  }

  @Test
  void nestingDeeperThanTheBound() {
    assertTrue(refused(HEADER + "<a>".repeat(BoundedXmlStream.MAX_DEPTH)).getMessage().contains("nested deeper than 64"));
  }

  @Test
  void onceOverItStaysOver() throws IOException {
    byte[] xml = (HEADER + "<iq id='" + "1".repeat(BoundedXmlStream.MAX_TAG + 10)).getBytes(StandardCharsets.UTF_8);
    InputStream in = new BoundedXmlStream(new ByteArrayInputStream(xml), new AtomicReference<>());
    assertThrows(BoundedXmlStream.Exceeded.class, () -> in.readNBytes(xml.length));
    assertThrows(BoundedXmlStream.Exceeded.class, in::read);
  }
}
