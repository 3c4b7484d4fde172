# Sourced by the scripts that build ejup: a JDK 17 and Maven, from Debian's packages if missing.
ensure_build_tools() {
  if ! command -v mvn >/dev/null || ! command -v javac >/dev/null; then
    echo "ejup: installing a JDK and Maven (apt-get)..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >&2
  fi
}
