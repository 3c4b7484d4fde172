#!/usr/bin/env bash
# Benchmark of `ejup serve` against a local ejabberd with VHOSTS virtual hosts, beside the cold
# clients in the same run:
#   1. a warm probe (GET /probe, no negative probes: login, disco, slot, PUT, GET, compare) vs
#      go-sendxmpp's cold upload of a 1 KiB file and a cold `ejup check --no-probes`, interleaved,
#      RUNS times each: median and p95, and the ratios;
#   2. CPU seconds and RSS of the exporter per probe (from /proc, over 100 sequential probes);
#   3. 100 probes over VHOSTS vhosts, PARALLEL requests at once against --max-concurrent LIMIT:
#      wall time, answers by HTTP status, probe_success;
#   4. RSS every 100 probes over 1,000 probes (4 at a time): flat, or a leak.
# Starts its own ejabberd ("servebench", ports BASE..BASE+3) and exporter (BASE+50); stops both.
# Needs root; 127.0.0.1 only.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
RUNS=${RUNS:-15}
VHOSTS=${VHOSTS:-50}
BASE=${BASE:-18600}
LIMIT=${LIMIT:-8}
PARALLEL=${PARALLEL:-16}
SOAK=${SOAK:-1000}
command -v curl >/dev/null || { apt-get update -qq; apt-get install -y -qq curl >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq; apt-get install -y -qq time >/dev/null; }

eval "$(scripts/local-ejabberd up --name servebench --port-base "$BASE" --vhosts "$VHOSTS" | sed 's/^/export /')"
work=$(mktemp -d)
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  scripts/local-ejabberd down --name servebench >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
pw=$(cat "$EJUP_TEST_PASSWORD_FILE")
head -c 1024 /dev/urandom > "$work/file.bin"
port=$((BASE + 50))
cat > "$work/serve.yml" <<YAML
modules:
  quick:
    jid: hc@{target}
    password_file: $EJUP_TEST_PASSWORD_FILE
    server: "{target}:$EJUP_TEST_XMPP_PORT"
    probes: false
    targets: [localhost, "*.localhost"]
YAML
bin/ejup check --jid "$EJUP_TEST_JID" --password-file "$EJUP_TEST_PASSWORD_FILE" --server "127.0.0.1:$EJUP_TEST_XMPP_PORT" --no-probes >/dev/null || true
t_start=$(date +%s.%N)
bin/ejup serve --config "$work/serve.yml" --listen "127.0.0.1:$port" --max-concurrent "$LIMIT" 2> "$work/serve.log" &
launcher=$!
for _ in $(seq 1000); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break; sleep 0.02; done
serve_pid=$(pgrep -P "$launcher" java || echo "$launcher")
probe() { curl -s -o "$work/last" -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$port/probe?module=quick&target=$1"; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
p95() { sort -n | awk '{a[NR]=$1} END {i=int(NR*0.95+0.999); if (i<1) i=1; printf "%.3f", a[i]}'; }
seconds() { /usr/bin/time -f %e -o "$work/t" "$@" >/dev/null 2>&1 || true; tail -1 "$work/t"; }
cpu() { awk '{print ($14+$15)/100}' "/proc/$serve_pid/stat"; }
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$serve_pid/status"; }

ready_ms=$(awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", (b-a)*1000}')
t0=$(date +%s.%N); bin/ejup version >/dev/null; version_ms=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", (b-a)*1000}')
echo "== start-up: bin/ejup serve until /-/ready answers, beside bin/ejup version"
printf '%-44s %8s ms\n' "ejup serve to /-/ready" "$ready_ms" "ejup version" "$version_ms"
for _ in $(seq 30); do probe localhost >/dev/null; done   # warm-up: class loading and JIT
echo "== 1 KiB upload: warm probe vs cold clients, $RUNS runs each, interleaved (nproc $(nproc), load $(cut -d' ' -f1 /proc/loadavg))"
: > "$work/warm"; : > "$work/gs"; : > "$work/cold"
for _ in $(seq "$RUNS"); do
  probe localhost | awk '{print $2}' >> "$work/warm"
  grep -q '^probe_success 1' "$work/last" || { echo "a warm probe failed:"; cat "$work/last"; exit 1; }
  seconds go-sendxmpp -u "$EJUP_TEST_JID" -p "$pw" -j "127.0.0.1:$EJUP_TEST_XMPP_PORT" -h "$work/file.bin" "$EJUP_TEST_JID" >> "$work/gs"
  seconds bin/ejup check --jid "$EJUP_TEST_JID" --password-file "$EJUP_TEST_PASSWORD_FILE" --server "127.0.0.1:$EJUP_TEST_XMPP_PORT" --no-probes >> "$work/cold"
done
w=$(median < "$work/warm"); g=$(median < "$work/gs"); c=$(median < "$work/cold")
printf '%-44s %8s %8s\n' "" "median s" "p95 s"
printf '%-44s %8s %8s\n' "ejup serve, warm probe (login..GET, verified)" "$w" "$(p95 < "$work/warm")"
printf '%-44s %8s %8s\n' "go-sendxmpp -h, cold (login..PUT)" "$g" "$(p95 < "$work/gs")"
printf '%-44s %8s %8s\n' "ejup check --no-probes, cold" "$c" "$(p95 < "$work/cold")"
printf '%-44s %8s   (target <= 0.30)\n' "ratio warm probe / go-sendxmpp" "$(awk -v a="$w" -v b="$g" 'BEGIN {printf "%.2f", a/b}')"
printf '%-44s %8s\n' "ratio cold check / go-sendxmpp" "$(awk -v a="$c" -v b="$g" 'BEGIN {printf "%.2f", a/b}')"

echo "== per probe, 100 sequential warm probes"
c0=$(cpu); t0=$(date +%s.%N)
for _ in $(seq 100); do probe localhost >/dev/null; done
c1=$(cpu); t1=$(date +%s.%N)
printf '%-44s %8s ms\n' "exporter CPU per probe" "$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.1f", (b-a)*10}')"
printf '%-44s %8s ms\n' "wall per probe" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b-a)*10}')"
printf '%-44s %8s MiB\n' "exporter RSS" "$(rss)"

echo "== 100 probes over $VHOSTS vhosts, $PARALLEL requests at once, --max-concurrent $LIMIT"
( while :; do curl -s "http://127.0.0.1:$port/metrics" | awk '/^ejup_serve_probes_in_flight /{print $2}'; sleep 0.2; done ) > "$work/inflight" &
sampler=$!
t0=$(date +%s.%N)
for i in $(seq 100); do echo "vh$(( (i - 1) % VHOSTS + 1 )).localhost"; done \
  | xargs -P "$PARALLEL" -I{} curl -s -w 'HTTP %{http_code}\n' -H 'X-Prometheus-Scrape-Timeout-Seconds: 30' \
      "http://127.0.0.1:$port/probe?module=quick&target={}" > "$work/answers"
t1=$(date +%s.%N)
kill "$sampler"; wait "$sampler" 2>/dev/null || true
printf '%-44s %8s s\n' "wall time" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b-a}')"
printf '%-44s %8s\n' "answers by HTTP status" "$(grep '^HTTP ' "$work/answers" | sort | uniq -c | awk '{printf "%s:%s ", $3, $1}')"
printf '%-44s %8s of 100\n' "probe_success 1" "$(grep -c '^probe_success 1' "$work/answers" || true)"
printf '%-44s %8s (at most %s)\n' "most probes in flight (sampled)" "$(sort -n "$work/inflight" | tail -1)" "$LIMIT"

echo "== RSS over $SOAK probes (4 at a time), MiB every $((SOAK / 10))"
line=""
for k in $(seq 10); do
  seq $((SOAK / 10)) | xargs -P 4 -I{} curl -s -o /dev/null "http://127.0.0.1:$port/probe?module=quick&target=localhost"
  line="$line $(rss)"
done
printf '%-44s %s\n' "RSS MiB" "$line"
printf '%-44s %8s\n' "probes by result" "$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^ejup_serve_probes_total/{printf "%s=%s ", $1, $2}')"
