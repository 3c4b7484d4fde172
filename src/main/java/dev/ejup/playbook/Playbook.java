package dev.ejup.playbook;

import java.util.List;
import java.util.Map;

/** A loaded, validated playbook: variable defaults (null = required) and ordered steps. */
record Playbook(String name, String file, Map<String, String> defaults, String lock, List<PlayStep> steps) {}
