#!/usr/bin/env bash
# Benchmark of a big upload alone: `ejup check --size SIZE --no-probes` (a cold process: login,
# slot, PUT, GET, compare) against curl's PUT of the same size to a slot ejup requested, in the
# same run, interleaved, medians: wall, CPU (user+sys) and peak RSS, with ejup's own put and get
# step times. Meant for A/B runs of JVM options: EJUP_JAVA_OPTS_B="..." adds a second ejup row
# with those options after the launcher's (later options win). CPU and RSS are the figures to
# read on a loaded machine; wall and step times move with the load.
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
done
header "reference: curl -T (PUT only)"
row "curl PUT" "$work/curl" "$work/curl"
for v in "${variants[@]}"; do
  label="ejup check (login..GET)"
  [ "$v" = b ] && label="ejup check + EJUP_JAVA_OPTS_B"
  row "$label" "$work/$v" "$work/curl"
  printf '%-44s put %s s (%sx curl), get %s s\n' "  its steps, medians" "$(median "$work/$v.put" 1)" \
    "$(ratio "$(median "$work/$v.put" 1)" "$(median "$work/curl" 1)")" "$(median "$work/$v.get" 1)"
done
[ -n "${EJUP_JAVA_OPTS_B:-}" ] && echo "EJUP_JAVA_OPTS_B=$EJUP_JAVA_OPTS_B"
echo "== done; $(load)"
rm -rf "$work"
