package dev.ejup.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Where mod_http_upload stores files, as configured: the docroot as written (with @HOME@ and
 * @HOST@ for the caller to resolve on the server) and the modes it creates files with.
 *
 * @param dirMode octal string, or null when the config leaves it to ejabberd's umask
 * @param fileMode likewise
 */
public record UploadDirs(String docroot, String dirMode, String fileMode, List<String> vhosts) {
  public static final String DEFAULT_DOCROOT = "@HOME@/upload";

  /** One entry per distinct docroot of every enabled mod_http_upload; empty when upload is off. */
  public static List<UploadDirs> of(ConfigTree tree) {
    List<UploadDirs> dirs = new ArrayList<>();
    for (ModuleSite site : ModuleSite.find(tree, "mod_http_upload")) {
      Node options = tree.resolve(site.options());
      String docroot = Nodes.get(options, "docroot").flatMap(tree::scalar).orElse(DEFAULT_DOCROOT);
      String dirMode = Nodes.get(options, "dir_mode").flatMap(tree::scalar).orElse(null);
      String fileMode = Nodes.get(options, "file_mode").flatMap(tree::scalar).orElse(null);
      dirs.add(new UploadDirs(docroot, dirMode, fileMode, site.vhost() == null ? tree.hosts() : List.of(site.vhost())));
    }
    return List.copyOf(new LinkedHashSet<>(dirs));
  }

  /** The directories on disk, for a given home of ejabberd's user. */
  public List<String> paths(String home) {
    LinkedHashSet<String> paths = new LinkedHashSet<>();
    for (String vhost : vhosts) {
      String path = docroot.replace("@HOME@", home).replace("@HOST@", vhost);
      while (path.length() > 1 && path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      paths.add(path);
    }
    return List.copyOf(paths);
  }
}
