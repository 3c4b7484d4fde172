package dev.ejup.cli;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterDescription;
import dev.ejup.config.DidYouMean;
import dev.ejup.model.UserError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line words as a user writes them, checked against one command's options before
 * jcommander sees them. jcommander takes a word it does not know for the command's file argument
 * ("play takes exactly one PLAYBOOK" for a mistyped --format), so an unknown option is named here;
 * and {@code --name=value} is split, as GNU tools accept it. An option whose value is missing
 * ({@code --jid --password-file F}) would take the next option for its value: that is refused too.
 */
public final class Arguments {
  private Arguments() {}

  /**
   * The words after the command's name, with each {@code --known=value} split in two.
   *
   * @param command the parser of the command the words are for (its options are the known ones)
   * @param words what follows the command's name on the command line
   * @param name the command as the user typed it, e.g. "play", for the message
   * @throws UserError (exit 3) for a word that looks like an option and is none of the command's,
   *     and for an option whose value is one of the command's options (its value is missing)
   */
  public static List<String> checked(JCommander command, List<String> words, String name) {
    Map<String, Boolean> takesValue = new HashMap<>();
    for (ParameterDescription option : command.getParameters()) {
      Class<?> type = option.getParameterized().getType();
      boolean flag = option.getParameter().arity() == 0
          || option.getParameter().arity() < 0 && (type == boolean.class || type == Boolean.class);
      for (String optionName : option.getParameter().names()) {
        takesValue.put(optionName, !flag);
      }
    }
    List<String> out = new ArrayList<>();
    boolean valueNext = false;
    boolean onlyFiles = false;
    String pending = null;
    for (String word : words) {
      if (valueNext && word.startsWith("--") && takesValue.containsKey(word.indexOf('=') > 0 ? word.substring(0, word.indexOf('=')) : word)) {
        throw UserError.unusable(pending + " of 'ejup " + name + "' needs a value, got the option " + dev.ejup.model.Printable.of(word),
            "write the value after " + pending + " (a file whose name starts with -- as ./" + dev.ejup.model.Printable.of(word) + ")");
      }
      if (valueNext || onlyFiles || !word.startsWith("-") || word.equals("-") || isNumber(word)) {
        out.add(word);
        valueNext = false;
        continue;
      }
      if (word.equals("--")) {
        onlyFiles = true;
        out.add(word);
        continue;
      }
      int eq = word.indexOf('=');
      String optionName = eq > 0 ? word.substring(0, eq) : word;
      Boolean value = takesValue.get(optionName);
      if (value == null) {
        throw UserError.unusable("unknown option " + optionName + " for 'ejup " + name + "'",
            suggestion(optionName, takesValue.keySet()) + "see 'ejup " + name + " --help'");
      }
      if (eq > 0) {
        if (!value) {
          throw UserError.unusable("option " + optionName + " of 'ejup " + name + "' takes no value, got '" + word + "'",
              "write " + optionName + " alone");
        }
        out.add(optionName);
        out.add(word.substring(eq + 1));
      } else {
        out.add(word);
        valueNext = value;
        pending = optionName;
      }
    }
    return out;
  }

  /**
   * Options sysadmins bring from curl and the Monitoring Plugins (check_http's -w, -c, -t, -H), with
   * ejup's way to say the same. A far edit-distance guess is worse than none: --ca-file is not
   * --deadline.
   */
  private static final Map<String, String> FAMILIAR = Map.ofEntries(
      Map.entry("-k", "--insecure"), Map.entry("-w", "--warning"), Map.entry("-c", "--critical"),
      Map.entry("-t", "--deadline"), Map.entry("--timeout", "--deadline"), Map.entry("--max-time", "--deadline"),
      Map.entry("-m", "--deadline"), Map.entry("-H", "--server"), Map.entry("--host", "--server"),
      Map.entry("--hostname", "--server"), Map.entry("-u", "--jid"), Map.entry("--user", "--jid"),
      Map.entry("-p", "--password-file"), Map.entry("--password", "--password-file"),
      Map.entry("-o", "--output"));
  private static final java.util.Set<String> TRUST = java.util.Set.of("--cacert", "--ca-file", "--cafile", "--capath",
      "--ca", "--ca-cert", "--ca-certificate", "--trust-store", "--truststore", "--trusted-ca");

  private static String suggestion(String optionName, java.util.Set<String> known) {
    if (TRUST.contains(optionName)) {
      return "ejup trusts the JDK's trust store: add your CA to the system's (Debian: copy it to"
          + " /usr/local/share/ca-certificates/NAME.crt, run update-ca-certificates) or name a store with"
          + " EJUP_JAVA_OPTS=-Djavax.net.ssl.trustStore=FILE; ";
    }
    String familiar = FAMILIAR.get(optionName);
    if (familiar != null && known.contains(familiar)) {
      return "did you mean " + familiar + "? ";
    }
    return DidYouMean.closest(optionName, known).map(s -> "did you mean " + s + "? ").orElse("");
  }

  private static final java.util.regex.Pattern STRAY = java.util.regex.Pattern.compile(
      "Was passed main parameter '(.*)' but no main parameter was defined.*", java.util.regex.Pattern.DOTALL);
  private static final java.util.regex.Pattern NOT_CONVERTED = java.util.regex.Pattern.compile(
      "\"(.+)\": couldn't convert \"(.*)\" to (?:an? )?(.+)", java.util.regex.Pattern.DOTALL);

  /**
   * jcommander's refusal in ejup's words: its own ("Was passed main parameter ... in your arg class",
   * "couldn't convert ... to a double") speak of Java, not of the command line.
   *
   * @param command the command as the user typed it, e.g. "check"; empty for none
   * @return the usage error (exit 3), one line with the fix
   */
  public static UserError refusal(com.beust.jcommander.ParameterException e, String command) {
    String help = "see 'ejup " + command + (command.isEmpty() ? "" : " ") + "--help'";
    String name = command.isEmpty() ? "ejup" : "'ejup " + command + "'";
    String message = e.getMessage() == null ? "" : e.getMessage();
    java.util.regex.Matcher stray = STRAY.matcher(message);
    if (stray.matches()) {
      return UserError.unusable("unexpected argument '" + dev.ejup.model.Printable.of(stray.group(1)) + "': " + name
          + " takes no file or word here", "remove it or put the option it belongs to before it; " + help);
    }
    java.util.regex.Matcher notConverted = NOT_CONVERTED.matcher(message);
    if (notConverted.matches()) {
      String type = notConverted.group(3).strip();
      String kind = type.equals("integer") || type.equals("int") || type.equals("long") ? "a whole number" : "a number";
      return UserError.unusable(notConverted.group(1) + " '" + dev.ejup.model.Printable.of(notConverted.group(2)) + "' of " + name
          + " is not " + kind, "give " + kind + ", e.g. " + notConverted.group(1) + " 10; " + help);
    }
    return UserError.unusable(dev.ejup.model.Printable.of(message), help);
  }

  private static boolean isNumber(String word) {
    return word.matches("-[0-9][0-9.]*[a-zA-Z]?");
  }
}
