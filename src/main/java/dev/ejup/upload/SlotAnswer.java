package dev.ejup.upload;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.IQProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * A slot as the upload service sent it (XEP-0363 section 5), in either shape: version 0.3+
 * ({@code urn:xmpp:http:upload:0}: {@code <put url=…>} with {@code <header>} children, {@code
 * <get url=…>}) or version 0.2 ({@code urn:xmpp:http:upload}: the URLs as the text of {@code <put>}
 * and {@code <get>}, no headers). Smack's own Slot keeps headers in a map, so a repeated header
 * (two Cookie lines) loses all but one; this keeps every header in the order sent. The parser
 * never throws: a slot without a URL is judged by the flow, not by the XMPP reader, which would
 * close the stream.
 */
final class SlotAnswer extends IQ {
  /** One {@code <header name=…>value</header>} of the {@code <put>}, as sent. */
  record Header(String name, String value) {}

  final String namespace;
  /** The URLs as sent; null when the element or its URL is missing. */
  final String putUrl;
  final String getUrl;
  final List<Header> headers;

  private SlotAnswer(String namespace, String putUrl, String getUrl, List<Header> headers) {
    super("slot", namespace);
    this.namespace = namespace;
    this.putUrl = putUrl;
    this.getUrl = getUrl;
    this.headers = List.copyOf(headers);
  }

  @Override
  protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
    xml.setEmptyElement();
    return xml;
  }

  /** Registered for {@code <slot>} in both namespaces (see {@link XmppSession}). */
  static final class Provider extends IQProvider<SlotAnswer> {
    @Override
    public SlotAnswer parse(XmlPullParser parser, int initialDepth, XmlEnvironment environment)
        throws XmlPullParserException, IOException {
      String namespace = parser.getNamespace();
      boolean legacy = XmppSession.NS_LEGACY.equals(namespace);
      String put = null;
      String get = null;
      List<Header> headers = new ArrayList<>();
      while (true) {
        XmlPullParser.Event event = parser.next();
        if (event == XmlPullParser.Event.START_ELEMENT) {
          switch (parser.getName()) {
            case "put" -> put = legacy ? text(parser) : parser.getAttributeValue("url");
            case "get" -> get = legacy ? text(parser) : parser.getAttributeValue("url");
            case "header" -> {
              String name = parser.getAttributeValue("name");
              String value = text(parser);
              if (name != null && !legacy) {
                headers.add(new Header(name, value));
              }
            }
            default -> { }
          }
        } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth) {
          break;
        } else if (event == XmlPullParser.Event.END_DOCUMENT) {
          break;
        }
      }
      return new SlotAnswer(namespace, blankIsNull(put), blankIsNull(get), headers);
    }
  }

  private static String blankIsNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** The text of the element the parser is on, children's text included; leaves the parser on its end tag. */
  static String text(XmlPullParser parser) throws XmlPullParserException, IOException {
    int depth = parser.getDepth();
    StringBuilder text = new StringBuilder();
    while (true) {
      XmlPullParser.Event event = parser.next();
      if (event == XmlPullParser.Event.TEXT_CHARACTERS || event == XmlPullParser.Event.ENTITY_REFERENCE) {
        text.append(parser.getText());
      } else if ((event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth)
          || event == XmlPullParser.Event.END_DOCUMENT) {
        return text.toString();
      }
    }
  }
}
