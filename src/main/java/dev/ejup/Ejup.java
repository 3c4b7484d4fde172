package dev.ejup;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterException;
import dev.ejup.cli.Command;
import dev.ejup.cli.CommandTable;
import dev.ejup.cli.Io;
import dev.ejup.model.Status;
import dev.ejup.model.UserError;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;

/**
 * The entry point: a function from arguments to an exit code. Tests call {@link #run} in-process
 * with string writers; only {@link #main} calls {@code System.exit}. Every failure becomes an exit
 * code here and nowhere else: a {@link UserError} is one line on stderr, anything else is one line
 * too, with the stack trace only under {@code --debug}.
 */
public final class Ejup implements ToolProvider {
  private static final int USAGE = Status.UNKNOWN.exitCode();

  @Override
  public String name() {
    return "ejup";
  }

  @Override
  public int run(PrintWriter out, PrintWriter err, String... args) {
    return run(out, err, System.getenv(), false, args);
  }

  public int run(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal, String... args) {
    List<String> rest = new ArrayList<>(List.of(args));
    boolean debug = rest.remove("--debug");
    boolean help = rest.remove("--help") | rest.remove("-h");
    Io io = new Io(out, err, env, debug, terminal);
    try {
      return dispatch(io, rest, help);
    } catch (UserError e) {
      err.println("ejup: " + e.oneLine());
      if (debug) {
        e.printStackTrace(err);
      }
      dev.ejup.cli.NotRun.render(out, rest, e.exitCode(), e.oneLine());
      return e.exitCode();
    } catch (Exception | StackOverflowError | OutOfMemoryError e) {
      internalError(err, e, debug);
      dev.ejup.cli.NotRun.render(out, rest, USAGE, "internal error: " + dev.ejup.model.Cause.words(e));
      return USAGE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int dispatch(Io io, List<String> args, boolean help) throws Exception {
    if (args.contains("--version")) {
      io.out().println("ejup " + Version.get());
      return 0;
    }
    String first = args.isEmpty() ? "" : args.get(0);
    if ((first.equals("check") || first.equals("play")) && !help) {
      dev.ejup.upload.tuning.Warmup.start();
    }
    // Only the command asked for is built: every command's annotations cost start-up time.
    boolean known = CommandTable.entries().stream().anyMatch(e -> e.name().equals(first));
    // @HOME@ and @HOST@ are ejabberd keywords, not jcommander @file arguments
    JCommander root = JCommander.newBuilder().programName("ejup").expandAtSign(false).build();
    for (CommandTable.Entry entry : CommandTable.entries()) {
      if (known && !entry.name().equals(first)) {
        continue;
      }
      if (entry.isGroup()) {
        root.addCommand(entry.name(), new Group());
        JCommander group = root.getCommands().get(entry.name());
        entry.subcommands().forEach(sub -> group.addCommand(sub.get()));
      } else {
        root.addCommand(entry.name(), entry.command().get());
      }
    }
    dev.ejup.upload.tuning.Timeline.mark("commands built");
    if (args.isEmpty()) {
      io.out().print(usage(root, List.of()));
      return help ? 0 : USAGE;
    }
    if (help) {
      // before parsing: a command's required options must not stand between the user and its help
      io.out().print(usage(root, commandPath(root, args)));
      return 0;
    }
    List<String> named = commandPath(root, args);
    JCommander selected = root;
    for (String name : named) {
      selected = selected.getCommands().get(name);
    }
    if (!named.isEmpty() && selected.getCommands().isEmpty()) {
      List<String> words = dev.ejup.cli.Arguments.checked(selected, args.subList(named.size(), args.size()), String.join(" ", named));
      args = new ArrayList<>(named);
      args.addAll(words);
    }
    try {
      root.parse(args.toArray(String[]::new));
    } catch (ParameterException e) {
      throw dev.ejup.cli.Arguments.refusal(e, String.join(" ", commandPath(root, args)));
    }
    dev.ejup.upload.tuning.Timeline.mark("parsed");
    List<String> path = new ArrayList<>();
    JCommander at = root;
    while (at.getParsedCommand() != null) {
      path.add(at.getParsedCommand());
      at = at.getCommands().get(at.getParsedCommand());
    }
    Object chosen = at.getObjects().isEmpty() ? null : at.getObjects().get(0);
    if (!(chosen instanceof Command command)) {
      throw UserError.unusable("'ejup " + String.join(" ", path) + "' needs a subcommand: "
          + String.join(", ", at.getCommands().keySet()), "see 'ejup " + String.join(" ", path) + " --help'");
    }
    return command.run(io);
  }

  /** The names of the commands the arguments select, for the hint of a usage error. */
  private static List<String> commandPath(JCommander root, List<String> args) {
    List<String> path = new ArrayList<>();
    JCommander at = root;
    for (String arg : args) {
      JCommander next = at.getCommands().get(arg);
      if (next == null) {
        break;
      }
      path.add(arg);
      at = next;
    }
    return path;
  }

  private static String usage(JCommander root, List<String> path) {
    JCommander at = root;
    for (String name : path) {
      at = at.getCommands().get(name);
    }
    StringBuilder text = new StringBuilder();
    if (path.isEmpty()) {
      text.append("ejup: set up, check and keep proving XMPP HTTP File Upload on ejabberd\n\n")
          .append("Usage: ejup [--debug] [--version] <command> [options]\n\nCommands:\n");
      for (CommandTable.Entry entry : CommandTable.entries()) {
        text.append(String.format("  %-10s %s%n", entry.name(), entry.description()));
        if (entry.isGroup()) {
          JCommander group = root.getCommands().get(entry.name());
          for (String sub : group.getCommands().keySet()) {
            text.append(String.format("    %-10s %s%n", sub, group.getUsageFormatter().getCommandDescription(sub)));
          }
        }
      }
      text.append("\nRun 'ejup <command> --help' for a command's options. Exit codes: 0 OK, 1 WARNING,\n")
          .append("2 CRITICAL or error, 3 UNKNOWN (usage error, unreadable input).\n");
      return text.toString();
    }
    StringBuilder sb = new StringBuilder();
    at.setProgramName("ejup " + String.join(" ", path));
    at.getUsageFormatter().usage(sb);
    return sb.toString();
  }

  /** Placeholder object for a command group, which has no options of its own. */
  private static final class Group {}

  public static void main(String[] args) {
    dev.ejup.upload.tuning.Timeline.mark("main");
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    boolean debug = List.of(args).contains("--debug");
    // a thread of ejup's or of a library (Smack's reader, a worker) that dies says so in one line, as everything else does
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> internalError(err, e, debug));
    dev.ejup.cli.NotRun.beforeTheRun(out, err, List.of(args));
    int code = new Ejup().run(out, err, System.getenv(), System.console() != null, args);
    out.flush();
    err.flush();
    dev.ejup.upload.tuning.SmackExit.quietReactor();
    dev.ejup.upload.tuning.StartUpCache.ranThrough(code);
    dev.ejup.upload.tuning.Timeline.mark("halt");
    dev.ejup.upload.tuning.Timeline.print(err);
    // halt, not exit: nothing left to clean up, and exit would wait on library threads
    Runtime.getRuntime().halt(code);
  }

  /** What went wrong that no rule foresaw, in one line of words; the stack trace only under --debug. */
  private static void internalError(PrintWriter err, Throwable e, boolean debug) {
    err.println("ejup: internal error: " + dev.ejup.model.Cause.words(e) + " (hint: run again with --debug for the stack trace and report it)");
    if (debug) {
      e.printStackTrace(err);
    }
  }

  /** Runs ejup in-process and captures both streams: the test suites' way in. */
  public static Result runCaptured(Map<String, String> env, String... args) {
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null && !env.containsKey("XDG_RUNTIME_DIR")) {
      // a test that gives no runtime directory gets the suite's (scripts/test makes one per run),
      // so the playbooks' locks do not pile up in /tmp/ejup-UID
      env = new java.util.HashMap<>(env);
      env.put("XDG_RUNTIME_DIR", runtime);
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new Ejup().run(new PrintWriter(out), new PrintWriter(err), env, false, args);
    return new Result(code, out.toString(), err.toString());
  }

  public record Result(int exitCode, String out, String err) {}
}
