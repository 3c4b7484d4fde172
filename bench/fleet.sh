#!/usr/bin/env bash
# Benchmark of `ejup play playbooks/healthcheck.yml` over 50 targets with --parallel 1 and
# --parallel 16, beside one `ejup check` of a single target, in the same run: total time, time
# per target, peak RSS (GNU time). The targets are 50 inventory entries on one local ejabberd
# instance ("fleet", ports 22000-22002) and one virtual host: scripts/local-ejabberd has no extra
# virtual hosts yet, so this measures ejup's own parallelism, not ejabberd's vhost handling.
# Needs root; 127.0.0.1 only. The target for --parallel 16: within 3x the time of one check.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
N=${N:-50}
[ -x /usr/bin/time ] || { apt-get update -qq; apt-get install -y -qq time >/dev/null; }
eval "$(scripts/local-ejabberd up --name fleet --port-base 22000 | sed 's/^/export /')"
trap 'scripts/local-ejabberd down --name fleet >/dev/null 2>&1 || true' EXIT
work=$(mktemp -d)
for i in $(seq 1 "$N"); do printf -- '- name: target-%02d\n  server: 127.0.0.1:%s\n' "$i" "$EJUP_TEST_XMPP_PORT"; done > "$work/inventory.yml"
vars=(-e domain="$EJUP_TEST_DOMAIN" -e jid="$EJUP_TEST_JID" -e password_file="$EJUP_TEST_PASSWORD_FILE")
bin/ejup check --jid "$EJUP_TEST_JID" --password-file "$EJUP_TEST_PASSWORD_FILE" --server "127.0.0.1:$EJUP_TEST_XMPP_PORT" >/dev/null
printf '%-36s %9s %20s %10s\n' "" "total" "per target" "peak RSS"
run_one() { /usr/bin/time -f "%e %M" -o "$work/t" bin/ejup check --jid "$EJUP_TEST_JID" --password-file "$EJUP_TEST_PASSWORD_FILE" --server "127.0.0.1:$EJUP_TEST_XMPP_PORT" > "$work/out" 2>&1 || true
  read -r secs kb < <(tail -1 "$work/t"); printf '%-36s %7s s %9s s/target %6s MiB\n' "ejup check, one target" "$secs" "$secs" "$(awk -v k="$kb" 'BEGIN {printf "%.0f", k/1024}')"; echo "$secs" > "$work/one"; }
run_one
for p in 1 16; do
  rm -f /tmp/ejup-healthcheck.lock
  /usr/bin/time -f "%e %M" -o "$work/t" bin/ejup play playbooks/healthcheck.yml -i "$work/inventory.yml" "${vars[@]}" --parallel "$p" > "$work/out" 2>&1 || true
  read -r secs kb < <(tail -1 "$work/t")
  printf '%-36s %7s s %9s s/target %6s MiB  %s\n' "play healthcheck, $N targets, --parallel $p" "$secs" \
    "$(awk -v s="$secs" -v n="$N" 'BEGIN {printf "%.3f", s/n}')" "$(awk -v k="$kb" 'BEGIN {printf "%.0f", k/1024}')" \
    "$(grep -m1 -o 'Summary: [A-Z]*' "$work/out" || true)"
  [ "$p" = 16 ] && echo "ratio --parallel 16 / one check: $(awk -v a="$secs" -v b="$(cat "$work/one")" 'BEGIN {printf "%.2f", a/b}')"
done
rm -rf "$work"
