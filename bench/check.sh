#!/usr/bin/env bash
# Benchmark of `ejup check` against a local ejabberd, side by side with the reference clients in
# the same run, interleaved (ejup, reference, ejup, ...), medians; each row gives wall time, CPU
# time (user+sys, the cost a fleet or `ejup serve` pays) and peak RSS, and its ratios to the
# reference measured in the same loop:
#   1. a cold `bin/ejup check` (login, disco, slot, PUT, GET and the probes) and one with
#      --no-probes, against go-sendxmpp's upload of the same 1 KiB file;
#   2. PUT + GET of a 100 MiB slot: ejup's put/get step times against curl doing the same PUT and
#      GET on a slot ejup requested (--stop-after slot), and the whole processes' CPU and RSS;
# The reference clients are given only names in /etc/hosts (127.0.0.1, localhost). The machine's
# load is printed before and after: on a shared machine, read the ratios, not the seconds.
# Starts its own ejabberd instance ("bench", ports 18000-18002). Needs root; 127.0.0.1 only.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
scripts/build   # bin/ejup never builds
. bench/lib.sh
INSTANCE=${INSTANCE:-bench}     # ejabberd instance and ports: another name and base run beside it
PORT_BASE=${PORT_BASE:-18000}
RUNS=${RUNS:-9}
BIG_RUNS=${BIG_RUNS:-5}
command -v curl >/dev/null || { apt-get -o DPkg::Lock::Timeout=600 update -qq; apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends curl >/dev/null; }
command -v go-sendxmpp >/dev/null || { apt-get -o DPkg::Lock::Timeout=600 update -qq; apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends go-sendxmpp >/dev/null; }

eval "$(EJUP_TEST_MAX_SIZE=209715200 scripts/local-ejabberd up --name "$INSTANCE" --port-base "$PORT_BASE" | sed 's/^/export /')"
trap 'scripts/local-ejabberd down --name "$INSTANCE" >/dev/null 2>&1 || true' EXIT
pw=$(cat "$EJUP_TEST_PASSWORD_FILE")
work=$(mktemp -d)
head -c 1024 /dev/urandom > "$work/file.bin"
E=(bin/ejup check --jid "$EJUP_TEST_JID" --password-file "$EJUP_TEST_PASSWORD_FILE" --server "127.0.0.1:$EJUP_TEST_XMPP_PORT")
ejup() { "${E[@]}" "$@"; }

echo "ejup runs on: $(. bin/ejup-runtime.sh; ejup_java; echo "$java (Java $java_feature, $cache_kind cache)")"
ejup >/dev/null || { echo "bench: the first check failed; see bin/ejup check's report" >&2; exit 2; }  # learns the start-up cache
ejup --no-probes >/dev/null                                                                            # moves it into place
echo "== 1 KiB upload, a cold process each time, $RUNS runs each, interleaved; $(load)"
for _ in $(seq "$RUNS"); do
  measure "$work/full" "${E[@]}"
  measure "$work/gs" go-sendxmpp -u "$EJUP_TEST_JID" -p "$pw" -j "127.0.0.1:$EJUP_TEST_XMPP_PORT" -h "$work/file.bin" "$EJUP_TEST_JID"
  measure "$work/lean" "${E[@]}" --no-probes
done
header "reference: go-sendxmpp -h (login..PUT)"
row "go-sendxmpp -h" "$work/gs" "$work/gs"
row "ejup check (login..GET, verified, probes)" "$work/full" "$work/gs"
row "ejup check --no-probes" "$work/lean" "$work/gs"

echo "== 100 MiB: PUT + GET, $BIG_RUNS runs each, interleaved, medians; $(load)"
size=$((100 * 1024 * 1024))
head -c "$size" /dev/urandom > "$work/big.bin"
same=yes
for _ in $(seq "$BIG_RUNS"); do
  /usr/bin/time -f '%e %U %S %M' -o "$work/bt" "${E[@]}" --size 100M --no-probes --step-timeout 120 --deadline 600 --format json > "$work/json" 2>/dev/null || true
  tail -1 "$work/bt" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' >> "$work/ebig"
  sed -n 's/.*"name": "put", "status": "OK", "duration_seconds": \([0-9.]*\).*/\1/p' "$work/json" >> "$work/eput"
  sed -n 's/.*"name": "get", "status": "OK", "duration_seconds": \([0-9.]*\).*/\1/p' "$work/json" >> "$work/eget"
  slot=$(ejup --size "$size" --stop-after slot --format json | sed -n 's/.*"detail": "PUT \([^ "]*\).*/\1/p')
  measure "$work/cput" curl -sS -o /dev/null -T "$work/big.bin" -H 'Content-Type: application/octet-stream' "$slot"
  /usr/bin/time -f '%e %U %S %M' -o "$work/gt" curl -sS -o "$work/back.bin" "$slot" >/dev/null 2>&1 || true
  tail -1 "$work/gt" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' >> "$work/cget"
  cmp -s "$work/big.bin" "$work/back.bin" || same=NO
done
put=$(median "$work/eput" 1); get=$(median "$work/eget" 1); cput=$(median "$work/cput" 1); cget=$(median "$work/cget" 1)
printf '%-30s %8s %8s %8s\n' "" "PUT s" "GET s" "MB/s"
printf '%-30s %8s %8s %8s\n' "curl (bytes equal: $same)" "$cput" "$cget" "$(awk -v p="$cput" -v g="$cget" 'BEGIN {printf "%.0f", 2*104.858/(p+g)}')"
printf '%-30s %8s %8s %8s\n' "ejup (generated, compared)" "$put" "$get" "$(awk -v p="$put" -v g="$get" 'BEGIN {printf "%.0f", 2*104.858/(p+g)}')"
printf '%-30s %8s (at least 0.9 wanted)\n' "throughput ejup / curl" "$(awk -v a="$put" -v b="$get" -v c="$cput" -v d="$cget" 'BEGIN {printf "%.2f", (c+d)/(a+b)}')"
printf '%-30s %8s (curl: %s)\n' "PUT time ejup / curl" "$(ratio "$put" "$cput")" "$cput s"
paste -d' ' "$work/cput" "$work/cget" | awk '{printf "%s %.2f %d\n", $1 + $4, $2 + $5, ($3 > $6 ? $3 : $6)}' > "$work/cboth"
header "whole processes, 100 MiB up and down"
row "curl PUT + curl GET" "$work/cboth" "$work/cboth"
row "ejup check --size 100M (JVM start..GET)" "$work/ebig" "$work/cboth"
echo "== done; $(load)"
rm -rf "$work"
