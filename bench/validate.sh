#!/usr/bin/env bash
# Benchmark of `ejup config validate` on a large config: 200 virtual hosts, each with its own
# host_config and mod_http_upload, about 5,000 lines in all. Prints the time per run beside the
# JVM's own start-up cost (`ejup version`) measured in the same run, so what validation itself
# costs is the difference. Uses bash, date and bin/ejup only.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
scripts/build   # bin/ejup never builds
RUNS=${RUNS:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
big="$work/ejabberd.yml"
{
  bin/ejup config generate --full --host vhost0.example.org --ip 127.0.0.1 | sed '/^modules:/,$d' | sed '/^hosts:/,/^$/d'
  echo "hosts:"
  for i in $(seq 0 199); do echo "  - vhost$i.example.org"; done
  echo
  echo "host_config:"
  for i in $(seq 0 199); do
    cat <<HOST
  vhost$i.example.org:
    modules:
      mod_http_upload:
        put_url: https://@HOST@:5443/upload
        docroot: /srv/upload/vhost$i
        max_size: $((104857600 + i))
        file_mode: "0640"
        dir_mode: "0750"
        access: local
        custom_headers:
          "Access-Control-Allow-Origin": "https://@HOST@"
          "Access-Control-Allow-Methods": "GET,HEAD,PUT,OPTIONS"
        secret_length: 40
        jid_in_url: sha1
        rm_on_unregister: true
        thumbnail: false
        name: "HTTP File Upload $i"
        hosts:
          - "upload.@HOST@"
      mod_http_upload_quota:
        max_days: 30
      mod_ping: {}
      mod_disco: {}
      mod_roster:
        versioning: true
      mod_vcard:
        search: false
HOST
  done
  echo "modules:"
  echo "  mod_disco: {}"
} > "$big"
lines=$(wc -l < "$big")
bin/ejup version >/dev/null   # warm the page cache
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2)?a[(NR+1)/2]:int((a[NR/2]+a[NR/2+1])/2)}'; }
: > "$work/v"; : > "$work/s"
for _ in $(seq "$RUNS"); do
  time_ms bin/ejup version >> "$work/s"
  time_ms bin/ejup config validate "$big" >> "$work/v"
done
s=$(median < "$work/s"); v=$(median < "$work/v")
echo "config: $lines lines, 200 virtual hosts, exit code $(bin/ejup config validate "$big" >/dev/null 2>&1; echo $?) ($(bin/ejup config validate "$big" | tail -1))"
printf '%-40s %6s ms\n' "ejup version (JVM start-up, median)" "$s" "ejup config validate (median)" "$v" "validation itself (difference)" "$((v - s))"
