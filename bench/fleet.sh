#!/usr/bin/env bash
# Benchmark of `ejup play playbooks/healthcheck.yml` over 50 targets with --parallel 1 and
# --parallel 16, beside one `ejup check` of a single target and go-sendxmpp's upload (the
# reference client) in the same run: wall time, CPU time (user+sys: what bounds a fleet on 2
# cores), peak RSS, per target, and the ratios. The targets are 50 virtual hosts vh1.localhost ..
# vh50.localhost on one local ejabberd instance ("fleet", ports 22000-22003), an account and an
# upload service on each. go-sendxmpp is given only names in /etc/hosts (it would resolve
# vh1.localhost through the system's resolver), so it uploads as the instance's localhost account.
# Needs root; 127.0.0.1 only. Targets: --parallel 16 within 3.5x one check; ejup CPU per target
# at most 25 ms.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
scripts/build   # bin/ejup never builds
. bench/lib.sh
INSTANCE=${INSTANCE:-fleet}     # ejabberd instance and ports: another name and base run beside it
PORT_BASE=${PORT_BASE:-22000}
N=${N:-50}
RUNS=${RUNS:-3}
scripts/local-ejabberd down --name "$INSTANCE" >/dev/null 2>&1 || true # the vhost count is set when it starts
eval "$(scripts/local-ejabberd up --name "$INSTANCE" --port-base "$PORT_BASE" --vhosts "$N" | sed 's/^/export /')"
trap 'scripts/local-ejabberd down --name "$INSTANCE" >/dev/null 2>&1 || true' EXIT
work=$(mktemp -d)
for i in $(seq 1 "$N"); do
  printf -- '- name: vh%d\n  server: 127.0.0.1:%s\n  domain: vh%d.localhost\n  jid: hc@vh%d.localhost\n' "$i" "$EJUP_TEST_XMPP_PORT" "$i" "$i"
done > "$work/inventory.yml"
vars=(-e password_file="$EJUP_TEST_PASSWORD_FILE" -e config="$EJUP_TEST_CONFIG")  # config: the local prune reads it
one=(bin/ejup check --jid hc@vh1.localhost --password-file "$EJUP_TEST_PASSWORD_FILE" --server "127.0.0.1:$EJUP_TEST_XMPP_PORT")
head -c 1024 /dev/urandom > "$work/file.bin"
"${one[@]}" >/dev/null || true   # learns the start-up cache
"${one[@]}" >/dev/null || true
echo "== $RUNS rounds, interleaved; $(load)"
for _ in $(seq "$RUNS"); do
  measure "$work/gs" go-sendxmpp -u "$EJUP_TEST_JID" -p "$(cat "$EJUP_TEST_PASSWORD_FILE")" -j "127.0.0.1:$EJUP_TEST_XMPP_PORT" -h "$work/file.bin" "$EJUP_TEST_JID"
  measure "$work/one" "${one[@]}"
  for p in 1 16; do
    measure "$work/p$p" bin/ejup play playbooks/healthcheck.yml -i "$work/inventory.yml" "${vars[@]}" --parallel "$p"
  done
done
bin/ejup play playbooks/healthcheck.yml -i "$work/inventory.yml" "${vars[@]}" --parallel 16 > "$work/out" 2>&1 || true
header "reference: one ejup check"
row "go-sendxmpp -h, one upload" "$work/gs" "$work/one"
row "ejup check, one target" "$work/one" "$work/one"
for p in 1 16; do
  row "play healthcheck, $N targets, --parallel $p" "$work/p$p" "$work/one"
done
for p in 1 16; do
  printf '%-44s %7.3f s %7.3f s  (CPU per target beyond one JVM start: %.3f s)\n' "per target, --parallel $p" \
    "$(awk -v w="$(median "$work/p$p" 1)" -v n="$N" 'BEGIN {print w/n}')" "$(awk -v c="$(median "$work/p$p" 2)" -v n="$N" 'BEGIN {print c/n}')" \
    "$(awk -v c="$(median "$work/p$p" 2)" -v o="$(median "$work/one" 2)" -v n="$N" 'BEGIN {print (c-o)/(n-1)}')"
done
echo "last --parallel 16 run: $(grep -m1 -o 'Summary: [A-Z]*' "$work/out" || echo 'no summary')"
echo "== done; $(load)"
rm -rf "$work"
