package dev.ejup.config;

import dev.ejup.model.Severity;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every diagnostic rule of {@code ejup config validate}, one constant each (ShellCheck's model):
 * the id is what users grep, silence and look up with {@code ejup config rules}; the severity is
 * the one every finding of the rule has; the doc is one line saying what the rule catches. The
 * ejabberd source each rule mirrors is {@code mod_http_upload:mod_opt_type/1},
 * {@code mod_http_upload_quota:mod_opt_type/1}, {@code ejabberd_config} (includes, top level) and
 * {@code ejabberd_listener}/{@code ejabberd_http}/{@code ejabberd_c2s} (listener options, request
 * handlers, TLS) and {@code ejabberd_config_transformer} (a listener's certfile) of ejabberd 23.01.
 */
public enum Rule {
  YAML_SYNTAX("yaml.syntax", Severity.ERROR, "the file is not valid YAML, so ejabberd cannot read it"),
  YAML_TAB("yaml.tab", Severity.ERROR, "a tab in indentation (ejabberd: \"found a tab character that violates indentation\")"),
  YAML_DUPLICATE_KEY("yaml.duplicate-key", Severity.ERROR, "a key written twice in one mapping (YAML keeps one silently; ejabberd: \"Duplicated option\")"),
  YAML_ALIASES("yaml.aliases", Severity.ERROR, "more YAML aliases than an ejabberd.yml needs (a billion-laughs guard)"),
  YAML_ALIAS_UNRESOLVED("yaml.alias-unresolved", Severity.WARNING, "a YAML alias (*name): ejabberd's YAML reader (fast_yaml) does not resolve it and reads the string 'name' instead of the anchored value"),
  YAML_NESTING("yaml.nesting", Severity.ERROR, "nesting deeper than an ejabberd.yml needs (a stack-exhaustion guard)"),
  CONFIG_NOT_A_MAPPING("config.not-a-mapping", Severity.ERROR, "the top level is not a mapping of options"),
  CONFIG_INCLUDE_LOOP("config.include-loop", Severity.ERROR, "include_config_file includes a file that includes it back"),
  CONFIG_NEEDS_NEWER_EJABBERD("config.needs-newer-ejabberd", Severity.ERROR, "an option, placeholder or keyword the ejabberd release the verdict is for does not have (it refuses the file)"),
  CONFIG_UNKNOWN_OPTION("config.unknown-option", Severity.ERROR, "a top-level option, or one of a host in host_config or append_host_config, the ejabberd release does not have (it refuses the file: \"Unknown option\"), with a did-you-mean"),
  CONFIG_GLOBAL_IN_HOST("config.global-in-host", Severity.ERROR, "an option only the top level may set (loglevel, listen, hosts...) under a host in host_config or append_host_config (ejabberd refuses the file: \"not allowed in this context\")"),
  CONFIG_HOSTS_MISSING("config.hosts-missing", Severity.ERROR, "no hosts option in the file or those it includes, or one that is not a list of names (ejabberd refuses the file: \"Missing required option: hosts\", \"Expected list\", \"Empty list is not allowed\")"),
  CONFIG_HOST_CONFIG_HOST("config.host-config-host", Severity.ERROR, "a host_config or append_host_config entry for a name hosts does not list, or whose options are not a mapping (ejabberd refuses the file)"),
  CONFIG_MACRO_FROM_ENVIRONMENT("config.macro-from-environment", Severity.WARNING, "a value that is a macro name no define_macro defines: ejabberd 24.12+ takes it from EJABBERD_MACRO_<NAME> (and refuses the file when it is unset), which ejup cannot see"),
  CONFIG_DUPLICATE_MODULE("config.duplicate-module", Severity.ERROR, "a module configured twice in one host's merged module list: in the modules of the main and an included file, or in append_host_config while the host already has it (ejabberd refuses the file: \"Duplicated option\")"),
  CONFIG_HOST_MODULES_REPLACED("config.host-modules-replaced", Severity.WARNING, "host_config's modules for a host replace the global modules list for that host, which loses the global modules it does not list"),
  CONFIG_INCLUDE_OPTIONS("config.include-options", Severity.ERROR, "include_config_file's list or options are not what ejabberd reads: an item that is no file name, options other than allow_only and disallow, or those not lists of names (ejabberd refuses the file)"),
  CONFIG_INCLUDE_UNREADABLE("config.include-unreadable", Severity.ERROR, "include_config_file names a file that cannot be read"),
  LISTEN_UNKNOWN_OPTION("listen.unknown-option", Severity.ERROR, "a listener option its module does not have (ejabberd refuses the file: \"Unknown option\"), with a did-you-mean"),
  LISTEN_OVERLAPPING("listen.overlapping", Severity.ERROR, "two listeners on the same port, address and transport (ejabberd refuses the file: \"Overlapping listeners found\")"),
  LISTEN_TYPE("listen.type", Severity.ERROR, "a listener option's value has the wrong type (a port neither a number from 0 to 65535 nor unix:PATH, request_handlers not a mapping, tls not a boolean, a custom header not a string)"),
  UPLOAD_NOT_A_MAPPING("upload.not-a-mapping", Severity.ERROR, "mod_http_upload's options are not a mapping"),
  UPLOAD_UNKNOWN_OPTION("upload.unknown-option", Severity.ERROR, "an option mod_http_upload does not have (ejabberd refuses the file), with a did-you-mean"),
  UPLOAD_DEPRECATED_OPTION("upload.deprecated-option", Severity.WARNING, "an option ejabberd warns is deprecated (host, service_url)"),
  UPLOAD_TYPE("upload.type", Severity.ERROR, "an option's value has the wrong type (string, boolean, list, mapping)"),
  UPLOAD_JID_IN_URL("upload.jid-in-url", Severity.ERROR, "jid_in_url is neither node nor sha1"),
  UPLOAD_MAX_SIZE("upload.max-size", Severity.ERROR, "max_size is neither a positive integer nor infinity"),
  UPLOAD_SECRET_LENGTH("upload.secret-length", Severity.ERROR, "secret_length is not an integer from 8 to 1000"),
  UPLOAD_MODE("upload.mode", Severity.ERROR, "file_mode or dir_mode is not an octal string"),
  UPLOAD_MODE_UNQUOTED("upload.mode-unquoted", Severity.ERROR, "an unquoted mode: YAML reads it as a number, and ejabberd refuses it (\"Expected string, got integer\")"),
  UPLOAD_MODE_UNUSABLE("upload.mode-unusable", Severity.ERROR, "a mode that keeps ejabberd's own user from reading, writing (or searching) what it stores"),
  UPLOAD_MODE_WORLD_WRITABLE("upload.mode-world-writable", Severity.WARNING, "a mode that lets every local user write uploads"),
  UPLOAD_DOCROOT("upload.docroot", Severity.ERROR, "docroot is not a directory path"),
  UPLOAD_DOCROOT_RELATIVE("upload.docroot-relative", Severity.WARNING, "a relative docroot (neither absolute nor @HOME@-based): uploads work only while ejabberd's working directory stays the same"),
  UPLOAD_URL("upload.url", Severity.ERROR, "put_url, get_url or service_url is not a URL"),
  UPLOAD_URL_SCHEME("upload.url-scheme", Severity.ERROR, "a URL whose scheme is neither http nor https"),
  UPLOAD_PLAIN_HTTP("upload.plain-http", Severity.WARNING, "an http:// URL: uploads travel unencrypted, and many clients refuse it"),
  UPLOAD_THUMBNAIL("upload.thumbnail", Severity.WARNING, "thumbnail: true, which needs ejabberd built with image support"),
  UPLOAD_PUT_URL_NO_HOST("upload.put-url-no-host", Severity.ERROR, "put_url without @HOST@ while there are several virtual hosts: the module starts for the first only"),
  UPLOAD_EXTERNAL_SECRET_SELF("upload.external-secret-self", Severity.ERROR, "external_secret set while ejabberd itself serves put_url"),
  UPLOAD_DISCO_MISSING("upload.disco-missing", Severity.ERROR, "mod_http_upload is enabled for a host that does not load mod_disco (often a host_config modules list): clients cannot discover the upload service"),
  UPLOAD_MODULE_DISABLED("upload.module-disabled", Severity.WARNING, "a listener routes mod_http_upload but the module is not enabled"),
  UPLOAD_PUT_URL_UNROUTED("upload.put-url-unrouted", Severity.ERROR, "no ejabberd_http listener routes put_url's port and path to mod_http_upload"),
  UPLOAD_GET_URL_UNROUTED("upload.get-url-unrouted", Severity.ERROR, "no ejabberd_http listener routes get_url's port and path to mod_http_upload"),
  UPLOAD_REVERSE_PROXY("upload.reverse-proxy", Severity.INFO, "no ejabberd listener on the URL's port but one routes its path: a reverse proxy must forward the path and the Host header"),
  UPLOAD_GET_URL_ELSEWHERE("upload.get-url-elsewhere", Severity.INFO, "get_url on a port no ejabberd listener has and a path none routes: another web server serves the files"),
  UPLOAD_LOOPBACK_LISTENER("upload.loopback-listener", Severity.WARNING, "put_url or get_url names a host other machines reach, but the ejabberd_http listener on its port listens on a loopback address only (ip: 127.0.0.1 or ::1) and no reverse proxy is in front: clients elsewhere cannot connect"),
  UPLOAD_HTTPS_WITHOUT_TLS("upload.https-without-tls", Severity.ERROR, "an https:// URL served by a listener without tls: true"),
  UPLOAD_TLS_NO_CERTIFICATE("upload.tls-no-certificate", Severity.ERROR, "an https URL while the config names no certfiles (nor a listener certfile)"),
  UPLOAD_LISTENER_CERTFILE("upload.listener-certfile", Severity.WARNING, "the only certificate is a listener's certfile: ejabberd moves it into certfiles and warns it is deprecated"),
  UPLOAD_HTTP_ON_TLS_LISTENER("upload.http-on-tls-listener", Severity.ERROR, "an http:// URL served by a listener that speaks only TLS"),
  UPLOAD_ACCESS_UNDEFINED("upload.access-undefined", Severity.ERROR, "access names a rule access_rules does not define: every slot is denied"),
  UPLOAD_CORS_UNMATCHABLE("upload.cors-unmatchable", Severity.WARNING, "CORS custom_headers no browser upload can pass: an origin with @HOST@ (sent literally) or without a scheme, or Allow-Methods without PUT"),
  UPLOAD_CORS_ORIGIN_PATH("upload.cors-origin-path", Severity.WARNING, "an Access-Control-Allow-Origin in custom_headers with a path: a browser's Origin has none, so no web client matches it"),
  UPLOAD_HOST_COLLISION("upload.host-collision", Severity.ERROR, "the upload service's host is already another module's service host"),
  QUOTA_NOT_A_MAPPING("quota.not-a-mapping", Severity.ERROR, "mod_http_upload_quota's options are not a mapping"),
  QUOTA_UNKNOWN_OPTION("quota.unknown-option", Severity.ERROR, "an option mod_http_upload_quota does not have, with a did-you-mean"),
  QUOTA_MAX_DAYS("quota.max-days", Severity.ERROR, "max_days is neither a positive integer nor infinity"),
  QUOTA_RULE_UNDEFINED("quota.rule-undefined", Severity.WARNING, "a quota names a shaper rule shaper_rules does not define: no quota applies"),
  QUOTA_WITHOUT_UPLOAD("quota.without-upload", Severity.ERROR, "mod_http_upload_quota enabled without mod_http_upload (ejabberd: \"depends on module mod_http_upload, which is not found in the config\")");

  private final String id;
  private final Severity severity;
  private final String doc;

  Rule(String id, Severity severity, String doc) {
    this.id = id;
    this.severity = severity;
    this.doc = doc;
  }

  /** The stable id, e.g. {@code upload.put-url-unrouted}, printed in brackets after each finding. */
  public String id() {
    return id;
  }

  /** The severity of every finding of this rule. */
  public Severity severity() {
    return severity;
  }

  /** One line: what the rule catches. */
  public String doc() {
    return doc;
  }

  /** A finding of this rule at file:line:column (1-based, 0 when unknown), with its severity. */
  static dev.ejup.model.Diagnostic diagnostic(Rule rule, String file, int line, int column, String message, String hint) {
    return new dev.ejup.model.Diagnostic(file, line, column, rule.severity, rule.id, message, hint);
  }

  /** The rule with this id, if there is one. */
  public static Optional<Rule> byId(String id) {
    return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
  }
}
