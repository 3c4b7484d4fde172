# Sourced by the scripts that build ejup: a JDK 17 and Maven, from Debian's packages if missing.
ensure_build_tools() {
  if ! command -v mvn >/dev/null || ! command -v javac >/dev/null; then
    echo "ejup: installing a JDK and Maven (apt-get)..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >&2
  fi
}

# promtool, which the tests run on ejup's Prometheus output (Debian's prometheus package ships it).
# The package also holds the Prometheus server: it is never started here (the test machines'
# policy-rc.d refuses service starts), and a server already running is left alone.
ensure_test_tools() {
  if ! command -v promtool >/dev/null; then
    echo "ejup: installing promtool (apt-get install prometheus)..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2
  fi
  if ! command -v chromium >/dev/null; then
    # headless Chromium reads ejup serve's page as a browser does (ServeIT)
    echo "ejup: installing chromium (apt-get)..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium >&2
  fi
  if ! command -v ansible-inventory >/dev/null; then
    # ansible-core (about 35 s) has ansible-inventory; the full ansible package adds only collections
    echo "ejup: installing ansible-inventory (apt-get install ansible-core)..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ansible-core >&2
  fi
}
