#!/usr/bin/env bash
# Benchmark of `ejup play playbooks/healthcheck.yml` over 50 targets with --parallel 1 and
# --parallel 16, beside one `ejup check` of a single target, in the same run: total time, time
# per target, peak RSS (GNU time). The targets are 50 virtual hosts vh1.localhost .. vh50.localhost
# on one local ejabberd instance ("fleet", ports 22000-22003), an account and an upload service
# on each, so every target logs in, finds its own service and uploads to its own slot URL.
# Needs root; 127.0.0.1 only. The target for --parallel 16: within 3x the time of one check.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
N=${N:-50}
[ -x /usr/bin/time ] || { apt-get update -qq; apt-get install -y -qq time >/dev/null; }
scripts/local-ejabberd down --name fleet >/dev/null 2>&1 || true # the vhost count is set when it starts
eval "$(scripts/local-ejabberd up --name fleet --port-base 22000 --vhosts "$N" | sed 's/^/export /')"
trap 'scripts/local-ejabberd down --name fleet >/dev/null 2>&1 || true' EXIT
work=$(mktemp -d)
for i in $(seq 1 "$N"); do
  printf -- '- name: vh%d\n  server: 127.0.0.1:%s\n  domain: vh%d.localhost\n  jid: hc@vh%d.localhost\n' "$i" "$EJUP_TEST_XMPP_PORT" "$i" "$i"
done > "$work/inventory.yml"
vars=(-e password_file="$EJUP_TEST_PASSWORD_FILE" -e config="$EJUP_TEST_CONFIG")  # config: the local prune reads it
bin/ejup check --jid hc@vh1.localhost --password-file "$EJUP_TEST_PASSWORD_FILE" --server "127.0.0.1:$EJUP_TEST_XMPP_PORT" >/dev/null
printf '%-36s %9s %20s %10s\n' "" "total" "per target" "peak RSS"
run_one() { /usr/bin/time -f "%e %M" -o "$work/t" bin/ejup check --jid hc@vh1.localhost --password-file "$EJUP_TEST_PASSWORD_FILE" --server "127.0.0.1:$EJUP_TEST_XMPP_PORT" > "$work/out" 2>&1 || true
  read -r secs kb < <(tail -1 "$work/t"); printf '%-36s %7s s %9s s/target %6s MiB\n' "ejup check, one target" "$secs" "$secs" "$(awk -v k="$kb" 'BEGIN {printf "%.0f", k/1024}')"; echo "$secs" > "$work/one"; }
run_one
for p in 1 16; do
  /usr/bin/time -f "%e %M" -o "$work/t" bin/ejup play playbooks/healthcheck.yml -i "$work/inventory.yml" "${vars[@]}" --parallel "$p" > "$work/out" 2>&1 || true
  read -r secs kb < <(tail -1 "$work/t")
  printf '%-36s %7s s %9s s/target %6s MiB  %s\n' "play healthcheck, $N targets, --parallel $p" "$secs" \
    "$(awk -v s="$secs" -v n="$N" 'BEGIN {printf "%.3f", s/n}')" "$(awk -v k="$kb" 'BEGIN {printf "%.0f", k/1024}')" \
    "$(grep -m1 -o 'Summary: [A-Z]*' "$work/out" || true)"
  [ "$p" = 16 ] && echo "ratio --parallel 16 / one check: $(awk -v a="$secs" -v b="$(cat "$work/one")" 'BEGIN {printf "%.2f", a/b}')"
done
rm -rf "$work"
