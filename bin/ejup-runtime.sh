# Sourced by bin/ejup and scripts/start-up-cache (not run): which JDK runs ejup, which start-up cache
# that JDK takes, and the JVM flags. One place, so the cache the package step makes is the one the
# launcher's java accepts (a CDS archive or AOT cache is only used by the JDK, class path and GC it
# was made with). Bash builtins only where bin/ejup runs it: it is on every check's path.

# ejup_jar_stale HERE JAR: true when JAR is older than the checkout's sources (a `git pull`
# without the install step); a jar installed without its sources is never stale
ejup_jar_stale() {
  [ -d "$1/src/main" ] && [ -n "$(find "$1/pom.xml" "$1/src/main" "$1/templates" -newer "$2" -print -quit 2>/dev/null)" ]
}

# ejup_java [JDK-HOME]: sets java (its binary), java_feature (17, 21, 25...; 0 when unknown),
# java_id (names the cache directory: the JDK's folder and exact version) and the cache_* below. Order: the argument,
# JAVA_HOME, the newest JDK under /usr/lib/jvm, then `java` on PATH.
ejup_java() {
  local home=${1:-${JAVA_HOME:-}} d feature best= best_feature=0
  if [ -z "$home" ]; then
    for d in /usr/lib/jvm/*/; do
      d=${d%/}
      # Debian's java-1.17.0-openjdk-amd64 is a link to java-17-openjdk-amd64: the same JDK
      [ -L "$d" ] || [ ! -x "$d/bin/java" ] && continue
      ejup_release "$d"
      feature=$release_feature
      if [ "$feature" -gt "$best_feature" ]; then best=$d; best_feature=$feature; fi
    done
    home=$best
  fi
  if [ -z "$home" ] && d=$(command -v java); then
    d=$(readlink -f "$d")
    home=${d%/bin/java}
  fi
  java=$home/bin/java
  ejup_release "$home"
  java_feature=$release_feature
  java_id=${home##*/}-$release_version
  ejup_cache_flags
}

# ejup_release DIR: release_feature and release_version from DIR/release (0 and "unknown" without one)
ejup_release() {
  local line
  release_feature=0 release_version=unknown
  [ -r "$1/release" ] || return 0
  while IFS= read -r line; do
    case $line in
      JAVA_RUNTIME_VERSION=*) release_version=${line#*=}; release_version=${release_version//\"/} ;;
      JAVA_VERSION=*)
        line=${line#*=}; line=${line//\"/}; line=${line%%.*}
        [[ $line =~ ^[0-9]+$ ]] && release_feature=$line ;;
    esac
  done < "$1/release"
  [ "$release_version" != unknown ] || release_version=$release_feature
}

# cache_kind (set by ejup_java): "aot" on JDK 25 and later (JEP 483/514/515: classes loaded and
# linked, method profiles), else "cds" (an AppCDS archive of the loaded classes: 17 to 24); with
# cache_use (the option that runs with a cache, file name appended) and cache_make (the option
# that makes one as the JVM exits). Variables, not functions: each $(...) is a fork on a check's path.
ejup_cache_flags() {
  if [ "$java_feature" -ge 25 ]; then
    cache_kind=aot cache_use=-XX:AOTCache= cache_make=-XX:AOTCacheOutput=
  else
    cache_kind=cds cache_use=-XX:SharedArchiveFile= cache_make=-XX:ArchiveClassesAtExit=
  fi
}

# The flags of a short run: C1 only, serial GC, small stacks. A cache is made and used with these
# (the GC and the class path must match, or the JVM silently skips the cache).
# JDK 20+ maps a start-up cache at a random address and relocates it (15-25 ms of JVM start on
# JDK 25, measured with -Xlog:startuptime). -XX:ArchiveRelocationMode=0 would save that, but it is
# a diagnostic option that gives up the cache's address randomisation: not worth it for a tool
# that runs as root and parses what servers send.
# jdk.reflect.useNativeAccessorOnly: reflective calls of constructors and methods through the VM
# (JNI), not through a method handle per member (JDK 18+, JEP 416). A short run calls each member a
# few times, where method handles cost most: each new member and call shape generates classes at
# run time (lambda forms, with the class-file API's cold code) that no start-up cache holds, and one
# called 128 times is specialised again. A check makes many such calls: the certificate extensions
# of every trusted certificate (a constructor each), Smack's providers, jcommander's converters.
# A -D property: ignored by a JDK that does not know it (17).
EJUP_FAST_FLAGS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Djdk.reflect.useNativeAccessorOnly=true)
# and on JDK 25 (measured there; a later JDK gets it once measured, an option a JVM does not know
# stops it): no replay of the cache's training data. An AOT cache made from a training run holds
# its method profiles and which methods it compiled (JEP 515), and the JVM then queues those for
# compilation early. A C1-only run uses no profiles, and the early compiles were C1 work the run
# did not need: -11% CPU (C1's thread about a third of a cold check's CPU), measured in
# interleaved pairs. A diagnostic flag: it changes what gets compiled when, never a result.
EJUP_FAST_FLAGS_25=(-XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining)
# JVM notes (cache warnings among them) must never mix into stdout: it carries JSON and perfdata.
# -Xlog covers unified logging only; DisplayVMOutputToStderr moves the VM's own prints too (JDK 25's
# AOT cache assembly: "AOTCache creation is complete...", also in the child JVM, which inherits
# these flags through JAVA_TOOL_OPTIONS)
EJUP_LOG_FLAGS=(-Xlog:disable -Xlog:all=error:stderr -XX:+DisplayVMOutputToStderr)

# ejup_cache_proven FILE JAR: true when the JDK maps FILE for JAR with the launcher's flags and
# loads ejup's own classes from it (AOTMode=on and -Xshare:on fail loudly where auto would go on
# without it: a cache for another JDK, jar, GC, or a file cut short)
ejup_cache_proven() {
  local mode log shared
  if [ "$cache_kind" = aot ]; then mode=-XX:AOTMode=on; else mode=-Xshare:on; fi
  log=$(mktemp) || return 1
  # filecount=0: with rotation on (the default), the JVM first renames the existing (mktemp's empty)
  # file to $log.0, which no one would remove
  if ! "$java" "${EJUP_FAST_FLAGS[@]}" "$mode" "$cache_use$1" -Xlog:disable -Xlog:class+load=info:file="$log"::filecount=0 \
      -jar "$2" --version >/dev/null 2>&1; then
    rm -f "$log"; return 1
  fi
  shared=$(grep -c 'dev.ejup.Ejup source: shared objects file' "$log" || true)
  rm -f "$log"
  [ "$shared" -ge 1 ]
}
