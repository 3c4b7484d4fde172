package dev.ejup.config;

import dev.ejup.model.Diagnostic;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every rule over one loaded config, findings in file and line order. */
public final class ConfigValidator {
  private ConfigValidator() {}

  public static List<Diagnostic> validate(ConfigTree tree) {
    List<Diagnostic> out = new ArrayList<>(tree.parseDiagnostics());
    if (tree.mainRoot() != null) {
      TopLevelOptions.check(tree, out);
      ListenerRules.check(tree, out);
      ModuleLists.check(tree, out);
      for (ConfigTree.Option keywords : tree.all("define_keyword")) {
        if (!tree.version().atLeast(EjabberdVersion.KEYWORDS)) {
          out.add(ConfigTree.at(keywords.file(), keywords.tuple().getKeyNode(), Rule.CONFIG_NEEDS_NEWER_EJABBERD,
              "define_keyword exists from ejabberd " + EjabberdVersion.KEYWORDS + " on; ejabberd " + tree.version() + " refuses the file",
              "use define_macro, or upgrade ejabberd to " + EjabberdVersion.KEYWORDS + " or newer (pass --ejabberd-version if ejup guessed the release wrong)"));
        }
      }
      List<ModuleSite> uploads = ModuleSite.find(tree, "mod_http_upload");
      for (ModuleSite site : uploads) {
        OptionRules.check(tree, site, OptionRules.UPLOAD, Rule.UPLOAD_NOT_A_MAPPING, Rule.UPLOAD_UNKNOWN_OPTION, out);
      }
      List<ModuleSite> quotas = ModuleSite.find(tree, "mod_http_upload_quota");
      for (ModuleSite site : quotas) {
        OptionRules.check(tree, site, OptionRules.QUOTA, Rule.QUOTA_NOT_A_MAPPING, Rule.QUOTA_UNKNOWN_OPTION, out);
        if (uploads.isEmpty()) {
          out.add(ConfigTree.at(site.file(), site.tuple().getKeyNode(), Rule.QUOTA_WITHOUT_UPLOAD,
              "mod_http_upload_quota is enabled but mod_http_upload is not", "enable mod_http_upload or remove the quota module"));
        }
      }
      CrossChecks.check(tree, uploads, out);
    }
    out.sort(Comparator.comparing(Diagnostic::file).thenComparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
    return List.copyOf(new java.util.LinkedHashSet<>(out));
  }
}
