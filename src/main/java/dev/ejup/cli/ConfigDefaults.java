package dev.ejup.cli;

final class ConfigDefaults {
  static final String PATH = "/etc/ejabberd/ejabberd.yml";

  private ConfigDefaults() {}
}
