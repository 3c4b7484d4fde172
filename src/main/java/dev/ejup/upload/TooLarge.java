package dev.ejup.upload;

import java.io.IOException;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * XEP-0363's {@code <file-too-large>} in a slot refusal (section 5), with its {@code
 * <max-file-size>} read leniently ({@link MaxFileSize}). Smack's provider throws on a missing
 * or non-integer limit (both sent by real servers), and a throwing provider closes the stream.
 */
final class TooLarge implements ExtensionElement {
  static final String ELEMENT = "file-too-large";

  final String namespace;
  final MaxFileSize max;

  TooLarge(String namespace, MaxFileSize max) {
    this.namespace = namespace;
    this.max = max;
  }

  @Override
  public String getElementName() {
    return ELEMENT;
  }

  @Override
  public String getNamespace() {
    return namespace;
  }

  @Override
  public CharSequence toXML(XmlEnvironment environment) {
    return "<" + ELEMENT + " xmlns='" + namespace + "'/>";
  }

  /** Registered for both namespaces (see {@link XmppSession}); never throws. */
  static final class Provider extends ExtensionElementProvider<TooLarge> {
    @Override
    public TooLarge parse(XmlPullParser parser, int initialDepth, XmlEnvironment environment)
        throws XmlPullParserException, IOException {
      String namespace = parser.getNamespace();
      String max = null;
      while (true) {
        XmlPullParser.Event event = parser.next();
        if (event == XmlPullParser.Event.START_ELEMENT && "max-file-size".equals(parser.getName())) {
          max = SlotAnswer.text(parser);
        } else if ((event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth)
            || event == XmlPullParser.Event.END_DOCUMENT) {
          return new TooLarge(namespace, MaxFileSize.parse(max));
        }
      }
    }
  }
}
