#!/usr/bin/env bash
# How billrun usage's peak memory grows with the fleet: peak RSS (GNU
# time, the largest of RUNS runs) and median wall time of
# `billrun usage --config … --period 2026-10` over the demo fleets of
# 1,000 and 10,000 VPS that bench/run.sh builds (built here if missing),
# and over configs that list the 10,000 files 5, 10 and 50 times
# (bench/repeat_config.py): 50,000, 100,000 and 500,000 VPS. Prints a
# table and writes memory.json.
# Usage: bench/memory.sh   (RUNS=3; SIZES="1000 10000", the largest
# repeated; REPEATS="5 10 50"; BENCH_DIR)
# Needs: Go, python3, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/billrun-bench}
runs=${RUNS:-3}
read -r -a repeats <<<"${REPEATS:-5 10 50}"
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
CGO_ENABLED=0 go build -o "$work/billrun" ./cmd/billrun   # the static binary make build ships

configs=()
read -r -a sizes <<<"${SIZES:-1000 10000}"
largest=${sizes[${#sizes[@]}-1]}
for n in "${sizes[@]}"; do
  dir=$work/fleet-$n
  if [ ! -f "$dir/billing.yaml" ]; then
    "$work/billrun" demo --out "$dir" --vps "$n" --hosts 4 --customers $((n / 5)) --period 2026-10 --history-days 100 >/dev/null
  fi
  configs+=("$n:$dir/billing.yaml")
done
for k in "${repeats[@]}"; do
  cfg=$work/fleet-$largest/billing-x$k.yaml
  [ -f "$cfg" ] || python3 bench/repeat_config.py "$work/fleet-$largest/billing.yaml" "$k" "$cfg"
  configs+=("$((largest * k)):$cfg")
done

json="["
printf '%-8s %10s %14s\n' vps "median s" "peak RSS MiB"
for c in "${configs[@]}"; do
  n=${c%%:*} cfg=${c#*:}
  times=() rss=0
  for _ in $(seq "$runs"); do
    s=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$work/t" "$work/billrun" usage --config "$cfg" --period 2026-10 >/dev/null
    e=$EPOCHREALTIME
    read -r m < "$work/t"
    times+=("$(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.4f", e - s}')")
    (( m > rss )) && rss=$m
  done
  med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-8s %10s %14.1f\n' "$n" "$med" "$(awk -v m="$rss" 'BEGIN {print m/1024}')"
  json+="{\"vps\":$n,\"median_seconds\":$med,\"peak_rss_kib\":$rss},"
done
echo "${json%,}]" > "$work/memory.json"
echo "results: $work/memory.json ($runs runs each)"
