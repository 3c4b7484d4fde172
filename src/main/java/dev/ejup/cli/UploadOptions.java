package dev.ejup.cli;

import com.beust.jcommander.Parameter;
import dev.ejup.config.UploadSettings;

/** The options generate and apply share; unset ones stay null so apply leaves the file's value. */
final class UploadOptions {
  @Parameter(names = "--host", description = "virtual host (domain) the upload service is for, e.g. example.org")
  String host;

  @Parameter(names = "--scheme", description = "https (default) or http")
  String scheme;

  @Parameter(names = "--port", description = "port of the ejabberd_http listener (default 5443 for https, 5280 for http)")
  Integer port;

  @Parameter(names = "--ip", description = "address a new listener binds to (default \"::\", all interfaces)")
  String ip;

  @Parameter(names = "--path", description = "URL path routed to mod_http_upload (default /upload)")
  String path;

  @Parameter(names = "--docroot", description = "where uploads are stored (ejabberd's default @HOME@/upload)")
  String docroot;

  @Parameter(names = "--max-size", description = "largest upload in bytes, or infinity (ejabberd's default 104857600)")
  String maxSize;

  @Parameter(names = "--file-mode", description = "mode of stored files, octal, e.g. 0640")
  String fileMode;

  @Parameter(names = "--dir-mode", description = "mode of created directories, octal, e.g. 0750")
  String dirMode;

  @Parameter(names = "--access", description = "access rule allowed to upload (ejabberd's default: local)")
  String access;

  @Parameter(names = "--get-url", description = "download URL prefix when it differs from put_url (e.g. behind a proxy)")
  String getUrl;

  @Parameter(names = "--put-url", description = "upload URL prefix (default <scheme>://@HOST@:<port><path>)")
  String putUrl;

  @Parameter(names = "--external-secret", description = "shared secret for an external upload server (prosody's mod_http_upload_external protocol)")
  String externalSecret;

  @Parameter(names = "--quota-soft", description = "enable mod_http_upload_quota: soft quota per user in MiB")
  Integer quotaSoft;

  @Parameter(names = "--quota-hard", description = "hard quota per user in MiB")
  Integer quotaHard;

  @Parameter(names = "--quota-max-days", description = "delete uploads older than this many days, or infinity")
  String quotaMaxDays;

  @Parameter(names = "--no-cors", description = "apply: leave out the CORS custom_headers Debian ships under its commented upload block")
  boolean noCors;

  UploadSettings settings() {
    return new UploadSettings(host, scheme, port, ip, path, docroot, maxSize, fileMode, dirMode, access, getUrl,
        putUrl, externalSecret, quotaSoft, quotaHard, quotaMaxDays, noCors);
  }
}
