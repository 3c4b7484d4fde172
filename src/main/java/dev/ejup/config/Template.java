package dev.ejup.config;

import dev.ejup.model.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files in templates/ with {{name}} placeholders. A line whose placeholders are all empty is
 * left out (so unset options do not appear); a placeholder alone on a line may hold several lines,
 * each indented like the placeholder.
 */
final class Template {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");
  private static final Pattern ALONE = Pattern.compile("^( *)\\{\\{(\\w+)}}\\s*$");

  private Template() {}

  static String load(String name) {
    try (InputStream in = Template.class.getResourceAsStream("/templates/" + name)) {
      if (in == null) {
        throw new UserError(3, "template " + name + " is missing from the ejup jar", "rebuild ejup: mvn package");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(3, "cannot read template " + name + ": " + dev.ejup.model.Cause.words(e), "rebuild ejup: mvn package");
    }
  }

  static String render(String name, Map<String, String> values) {
    StringBuilder out = new StringBuilder();
    for (String line : load(name).split("\n", -1)) {
      Matcher alone = ALONE.matcher(line);
      if (alone.matches()) {
        String value = Objects.toString(values.get(alone.group(2)), "");
        if (!value.isEmpty()) {
          out.append(Indent.by(value, alone.group(1).length()));
        }
        continue;
      }
      Matcher m = PLACEHOLDER.matcher(line);
      StringBuilder rendered = new StringBuilder();
      boolean any = false;
      boolean empty = false;
      while (m.find()) {
        any = true;
        String value = Objects.toString(values.get(m.group(1)), "");
        empty |= value.isEmpty();
        m.appendReplacement(rendered, Matcher.quoteReplacement(value));
      }
      m.appendTail(rendered);
      if (any && empty) {
        continue;
      }
      out.append(rendered).append('\n');
    }
    String text = out.toString();
    return text.endsWith("\n\n") ? text.substring(0, text.length() - 1) : text;
  }
}
