package dev.ejup.upload;

import java.util.Locale;

/**
 * The words a hint uses for the server that answered: its upload module and that module's
 * options. Which server it is comes from disco#info, not from a guess: the domain's server/im
 * identity names the software ("ejabberd", "Prosody"), and on Prosody the service's namespaces
 * tell the two modules apart (prosody-modules' mod_http_upload also announces the legacy
 * urn:xmpp:http:upload; mod_http_file_share announces only :0). Anything else gets neutral words.
 *
 * @param server the software's name as a hint writes it
 * @param module the upload module
 * @param sizeOption where the size limit is set
 * @param accessOption who may upload
 * @param quotaOption where a per-account quota is set
 * @param hostOption what makes a JID the upload service
 * @param log where the server writes why it refused
 * @param enable how to turn upload on
 * DOMAIN in a hint stands for the checked domain ({@link #forDomain}).
 */
record ServerTerms(String server, String module, String sizeOption, String accessOption, String quotaOption, String hostOption,
    String log, String enable) {

  /** The terms with DOMAIN replaced by the checked domain. */
  ServerTerms forDomain(String domain) {
    return new ServerTerms(server, module, sizeOption, accessOption, quotaOption, hostOption.replace("DOMAIN", domain),
        log, enable.replace("DOMAIN", domain));
  }

  static ServerTerms of(String serverName, XmppSession.Service service) {
    String name = serverName == null ? "" : serverName.toLowerCase(Locale.ROOT);
    if (name.contains("ejabberd")) {
      return new ServerTerms("ejabberd", "ejabberd's mod_http_upload", "mod_http_upload's max_size",
          "mod_http_upload's access rule (default: local)", "mod_http_upload_quota's access_hard_quota",
          "mod_http_upload's hosts option", "ejabberd's error.log",
          "enable mod_http_upload (ejup config apply /etc/ejabberd/ejabberd.yml --host DOMAIN --reload)");
    }
    if (name.contains("prosody")) {
      if (service != null && service.namespaces().contains(XmppSession.NS_LEGACY)) {
        return new ServerTerms("Prosody", "prosody-modules' mod_http_upload", "http_upload_file_size_limit",
            "the upload component's host (it serves the users of its parent host)", "http_upload_quota",
            "a Component \"upload.DOMAIN\" \"http_upload\" in prosody.cfg.lua", "prosody's log",
            "add a Component \"upload.DOMAIN\" \"http_file_share\" to prosody.cfg.lua");
      }
      return new ServerTerms("Prosody", "Prosody's mod_http_file_share", "http_file_share_size_limit",
          "http_file_share_access (default: users of the parent host)", "http_file_share_daily_quota",
          "a Component \"upload.DOMAIN\" \"http_file_share\" in prosody.cfg.lua", "prosody's log",
          "add a Component \"upload.DOMAIN\" \"http_file_share\" to prosody.cfg.lua");
    }
    String who = serverName == null || serverName.isBlank() ? "the server" : serverName;
    return new ServerTerms(who, "the upload service of " + who, "the upload service's size limit",
        "the upload service's access control", "the upload service's quota", "the server's configuration of its upload service",
        who + "'s log", "enable " + who + "'s XEP-0363 upload service");
  }
}
