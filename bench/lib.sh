# Sourced by the benchmarks: timing with CPU beside wall time, medians, ratios, the machine's load.
# GNU time gives wall (%e), user (%U) and system (%S) seconds and peak RSS (%M KiB) of one command.
[ -x /usr/bin/time ] || { apt-get -o DPkg::Lock::Timeout=600 update -qq; apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends time >/dev/null; }

# measure FILE CMD...: appends "wall cpu rss_kib" of CMD to FILE (its output is thrown away)
measure() {
  local into=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$into.t" "$@" >/dev/null 2>&1 || true
  tail -1 "$into.t" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' >> "$into"
}
# median FILE COLUMN
median() { awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a/b; else print "-"}'; }
load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"; }
# row LABEL FILE [REFERENCE-FILE]: medians of wall, CPU, RSS and the ratios to the reference
row() {
  local w c r
  w=$(median "$2" 1); c=$(median "$2" 2); r=$(median "$2" 3)
  if [ -n "${3:-}" ]; then
    printf '%-44s %7s s %7s s %6.0f MiB %7sx %7sx\n' "$1" "$w" "$c" "$(awk -v k="$r" 'BEGIN {print k/1024}')" \
      "$(ratio "$w" "$(median "$3" 1)")" "$(ratio "$c" "$(median "$3" 2)")"
  else
    printf '%-44s %7s s %7s s %6.0f MiB\n' "$1" "$w" "$c" "$(awk -v k="$r" 'BEGIN {print k/1024}')"
  fi
}
header() { printf '%-44s %9s %9s %10s %8s %8s\n' "${1:-}" "wall" "CPU" "peak RSS" "wall/ref" "CPU/ref"; }
