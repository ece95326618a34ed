package dev.ephemera.aws.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Refuses XML nested deeper than any STS answer could be, before the SDK parses it: the SDK builds
 * a DOM of the response recursively, so ten thousand nested elements (30 KB) end in a {@code
 * StackOverflowError} instead of an exception. The check streams the body with StAX, which keeps no
 * stack of its own, with DTDs and external entities off; a body that is not XML is left for the SDK
 * to refuse in its own words.
 */
final class XmlNesting {
  /** STS answers nest four elements deep; a proxy's XHTML page a few dozen. */
  static final int MAX_DEPTH = 64;

  private static final XMLInputFactory FACTORY = factory();

  private XmlNesting() {}

  /** Thrown for XML nested deeper than {@link #MAX_DEPTH}; names the body, never its content. */
  static final class TooDeepException extends IOException {
    private static final long serialVersionUID = 1L;

    TooDeepException(String what) {
      super(what + " nests XML elements more than " + MAX_DEPTH + " deep");
    }
  }

  /**
   * Checks the nesting of {@code body} when it looks like XML.
   *
   * @throws TooDeepException when it nests deeper than {@link #MAX_DEPTH}
   */
  static void check(byte[] body, String what) throws TooDeepException {
    if (!startsWithMarkup(body)) {
      return;
    }
    XMLStreamReader reader = null;
    try {
      reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
      int depth = 0;
      while (reader.hasNext()) {
        int event = reader.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          if (++depth > MAX_DEPTH) {
            throw new TooDeepException(what);
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          depth--;
        }
      }
    } catch (XMLStreamException | RuntimeException e) {
      // not well-formed XML (or not XML at all): the SDK's own parser says so
    } finally {
      if (reader != null) {
        try {
          reader.close();
        } catch (XMLStreamException e) {
          // nothing held but the byte array
        }
      }
    }
  }

  private static boolean startsWithMarkup(byte[] body) {
    for (byte b : body) {
      if (b == '<') {
        return true;
      }
      if (b != ' '
          && b != '\t'
          && b != '\r'
          && b != '\n'
          && b != (byte) 0xEF
          && b != (byte) 0xBB
          && b != (byte) 0xBF) {
        return false;
      }
    }
    return false;
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return f;
  }
}
