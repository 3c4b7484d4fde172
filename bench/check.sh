#!/usr/bin/env bash
# Benchmark of `ejup check` against a local ejabberd, side by side with reference tools in the
# same run:
#   1. a cold `bin/ejup check --no-probes` vs go-sendxmpp's upload of the same 1 KiB file,
#      interleaved, RUNS times each: medians and the ratio;
#   2. PUT + GET of a 100 MiB slot: ejup's own put/get step times vs curl doing the same PUT
#      and GET on a slot ejup requested (--stop-after slot), BIG_RUNS times each, medians;
#   3. ejup's peak RSS for 1 MiB and 100 MiB uploads (GNU time).
# Starts its own ejabberd instance ("bench", ports 18000-18002). Needs root; 127.0.0.1 only.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
RUNS=${RUNS:-9}
command -v curl >/dev/null || { apt-get update -qq; apt-get install -y -qq curl >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq; apt-get install -y -qq time >/dev/null; }

eval "$(EJUP_TEST_MAX_SIZE=209715200 scripts/local-ejabberd up --name bench --port-base 18000 | sed 's/^/export /')"
trap 'scripts/local-ejabberd down --name bench >/dev/null 2>&1 || true' EXIT
pw=$(cat "$EJUP_TEST_PASSWORD_FILE")
work=$(mktemp -d)
head -c 1024 /dev/urandom > "$work/file.bin"
ejup() { bin/ejup check --jid "$EJUP_TEST_JID" --password-file "$EJUP_TEST_PASSWORD_FILE" --server "127.0.0.1:$EJUP_TEST_XMPP_PORT" "$@"; }
seconds() { /usr/bin/time -f %e -o "$work/t" "$@" >/dev/null 2>&1 || true; cat "$work/t" | tail -1; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

ejup --no-probes >/dev/null   # builds the jar if needed and records the class-data archive
echo "== 1 KiB upload, cold process each time, $RUNS runs each, interleaved"
: > "$work/ejup"; : > "$work/gs"
for _ in $(seq "$RUNS"); do
  seconds bin/ejup check --jid "$EJUP_TEST_JID" --password-file "$EJUP_TEST_PASSWORD_FILE" --server "127.0.0.1:$EJUP_TEST_XMPP_PORT" --no-probes >> "$work/ejup"
  seconds go-sendxmpp -u "$EJUP_TEST_JID" -p "$pw" -j "127.0.0.1:$EJUP_TEST_XMPP_PORT" -h "$work/file.bin" "$EJUP_TEST_JID" >> "$work/gs"
done
e=$(median < "$work/ejup"); g=$(median < "$work/gs")
printf '%-34s %8s s\n' "ejup check (login..GET, verified)" "$e" "go-sendxmpp -h (login..PUT)" "$g"
printf '%-34s %8s\n' "ratio ejup / go-sendxmpp" "$(awk -v a="$e" -v b="$g" 'BEGIN {printf "%.2f", a/b}')"

BIG_RUNS=${BIG_RUNS:-5}
echo "== 100 MiB: PUT + GET, $BIG_RUNS runs each, interleaved, medians"
size=$((100 * 1024 * 1024))
head -c "$size" /dev/urandom > "$work/big.bin"
: > "$work/eput"; : > "$work/eget"; : > "$work/cput"; : > "$work/cget"; same=yes
for _ in $(seq "$BIG_RUNS"); do
  json=$(ejup --size 100M --no-probes --format json)
  echo "$json" | sed -n 's/.*"name": "put", "status": "OK", "duration_seconds": \([0-9.]*\).*/\1/p' >> "$work/eput"
  echo "$json" | sed -n 's/.*"name": "get", "status": "OK", "duration_seconds": \([0-9.]*\).*/\1/p' >> "$work/eget"
  slot=$(ejup --size "$size" --stop-after slot --format json | sed -n 's/.*"detail": "PUT \([^ "]*\).*/\1/p')
  { /usr/bin/time -f %e curl -sS -o /dev/null -w '' -T "$work/big.bin" -H 'Content-Type: application/octet-stream' "$slot" ; } 2>&1 | tail -1 >> "$work/cput"
  { /usr/bin/time -f %e curl -sS -o "$work/back.bin" "$slot" ; } 2>&1 | tail -1 >> "$work/cget"
  cmp -s "$work/big.bin" "$work/back.bin" || same=NO
done
put=$(median < "$work/eput"); get=$(median < "$work/eget"); cput=$(median < "$work/cput"); cget=$(median < "$work/cget")
printf '%-22s %8s %8s %8s\n' "" "PUT s" "GET s" "MB/s"
printf '%-22s %8s %8s %8s\n' "ejup (streamed, sha256)" "$put" "$get" "$(awk -v p="$put" -v g="$get" 'BEGIN {printf "%.0f", 2*104.858/(p+g)}')"
printf '%-22s %8s %8s %8s\n' "curl (bytes equal: $same)" "$cput" "$cget" "$(awk -v p="$cput" -v g="$cget" 'BEGIN {printf "%.0f", 2*104.858/(p+g)}')"
printf '%-22s %8s\n' "throughput ejup / curl" "$(awk -v a="$put" -v b="$get" -v c="$cput" -v d="$cget" 'BEGIN {printf "%.2f", (c+d)/(a+b)}')"

echo "== peak RSS of ejup check"
for s in 1M 100M; do
  /usr/bin/time -f "%M" -o "$work/rss" bin/ejup check --jid "$EJUP_TEST_JID" --password-file "$EJUP_TEST_PASSWORD_FILE" \
    --server "127.0.0.1:$EJUP_TEST_XMPP_PORT" --size "$s" --no-probes >/dev/null
  printf '%-22s %8s MiB\n' "--size $s" "$(awk '{printf "%.0f", $1/1024}' "$work/rss")"
done
rm -rf "$work"
