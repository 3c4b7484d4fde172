#!/usr/bin/env bash
# Benchmark of a big upload alone: `ejup check --size SIZE --no-probes` (a cold process: login,
# slot, PUT, GET, compare) against curl's PUT of the same size to a slot ejup requested and curl's
# GET of it, in the same run, interleaved, medians: wall, CPU (user+sys) and peak RSS, with ejup's
# own put and get step times and the PUT+GET throughput as a ratio to curl's (issue 14's target:
# at least 0.9). Meant for A/B runs of JVM options: EJUP_JAVA_OPTS_B="..." adds a second ejup row
# with those options after the launcher's (later options win; both rows then pay the launcher's
# pre-flight of EJUP_JAVA_OPTS alike). CPU and RSS are the figures to read on a loaded machine;
# wall and step times move with the load.
# Starts its own ejabberd instance ("bench", ports 18000-18003). Needs root; 127.0.0.1 only.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
scripts/build   # bin/ejup never builds
. bench/lib.sh
INSTANCE=${INSTANCE:-bench}
PORT_BASE=${PORT_BASE:-18000}
RUNS=${RUNS:-5}
SIZE=${SIZE:-100M}
command -v curl >/dev/null || { apt-get -o DPkg::Lock::Timeout=600 update -qq; apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends curl >/dev/null; }

eval "$(EJUP_TEST_MAX_SIZE=209715200 scripts/local-ejabberd up --name "$INSTANCE" --port-base "$PORT_BASE" | sed 's/^/export /')"
trap 'scripts/local-ejabberd down --name "$INSTANCE" >/dev/null 2>&1 || true' EXIT
work=$(mktemp -d)
E=(bin/ejup check --jid "$EJUP_TEST_JID" --password-file "$EJUP_TEST_PASSWORD_FILE" --server "127.0.0.1:$EJUP_TEST_XMPP_PORT")
"${E[@]}" >/dev/null || { echo "bench: the first check failed; see bin/ejup check's report" >&2; exit 2; }  # learns the start-up cache
"${E[@]}" --no-probes >/dev/null
bytes=$(numfmt --from=iec "$SIZE")
head -c "$bytes" /dev/urandom > "$work/big.bin"
variants=(a)
[ -n "${EJUP_JAVA_OPTS_B:-}" ] && variants+=(b)

# big VARIANT: one ejup check of SIZE; whole process into $work/VARIANT, step times beside it
big() {
  local opts=${EJUP_JAVA_OPTS:-}
  # an A/B: row a with an option too, so both pay the launcher's `java -version` pre-flight
  [ -n "${EJUP_JAVA_OPTS_B:-}" ] && opts="$opts -Dejup.bench=$1"
  [ "$1" = b ] && opts="$opts $EJUP_JAVA_OPTS_B"
  EJUP_NO_CDS_LEARNING=1 EJUP_JAVA_OPTS="$opts" /usr/bin/time -f '%e %U %S %M' -o "$work/t" \
    "${E[@]}" --size "$SIZE" --no-probes --step-timeout 120 --deadline 600 --format json > "$work/json" 2>/dev/null || true
  tail -1 "$work/t" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' >> "$work/$1"
  for step in put get; do
    sed -n "s/.*\"name\": \"$step\", \"status\": \"OK\", \"duration_seconds\": \([0-9.]*\).*/\1/p" "$work/json" >> "$work/$1.$step"
  done
}

echo "== $SIZE: ejup check --no-probes against curl's PUT, $RUNS runs each, interleaved; $(load)"
for _ in $(seq "$RUNS"); do
  for v in "${variants[@]}"; do big "$v"; done
  slot=$("${E[@]}" --size "$bytes" --stop-after slot --format json | sed -n 's/.*"detail": "PUT \([^ "]*\).*/\1/p')
  measure "$work/curl" curl -sS -o /dev/null -T "$work/big.bin" -H 'Content-Type: application/octet-stream' "$slot"
  # ejabberd's slots GET where they PUT
  measure "$work/curl.get" curl -sS -o /dev/null "$slot"
  # 100 MiB a check: the docroot would grow by gigabytes over a few runs
  rm -rf "${EJUP_TEST_DOCROOT:?}"/*
done
header "reference: curl -T (PUT), curl (GET)"
row "curl PUT" "$work/curl" "$work/curl"
row "curl GET" "$work/curl.get"
curl_both=$(awk -v a="$(median "$work/curl" 1)" -v b="$(median "$work/curl.get" 1)" 'BEGIN {print a + b}')
for v in "${variants[@]}"; do
  label="ejup check (login..GET)"
  [ "$v" = b ] && label="ejup check + EJUP_JAVA_OPTS_B"
  row "$label" "$work/$v" "$work/curl"
  printf '%-44s put %s s (%sx curl), get %s s (%sx curl)\n' "  its steps, medians" "$(median "$work/$v.put" 1)" \
    "$(ratio "$(median "$work/$v.put" 1)" "$(median "$work/curl" 1)")" "$(median "$work/$v.get" 1)" \
    "$(ratio "$(median "$work/$v.get" 1)" "$(median "$work/curl.get" 1)")"
  both=$(awk -v a="$(median "$work/$v.put" 1)" -v b="$(median "$work/$v.get" 1)" 'BEGIN {print a + b}')
  printf '%-44s %sx curl'"'"'s (PUT+GET %s s against curl'"'"'s %s s)\n' "  PUT+GET throughput" "$(ratio "$curl_both" "$both")" "$both" "$curl_both"
done
[ -n "${EJUP_JAVA_OPTS_B:-}" ] && echo "EJUP_JAVA_OPTS_B=$EJUP_JAVA_OPTS_B"
echo "== done; $(load)"
rm -rf "$work"
