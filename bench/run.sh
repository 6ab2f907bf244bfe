#!/usr/bin/env bash
# Side-by-side benchmark over seed-schema fleets (step 60; RRAs 1x14400,
# 10x13392, 43200x120; 7 DS; 100 days of data) for October 2026: billrun
# usage and a full billrun run (one customer per 5 VPS), the seed's loop
# (python3-rrdtool fetch + summing, as report_sum does), python3-rrdtool's
# bare fetch, a shell loop of `rrdtool fetch`, `cat` of the same files, and
# the read-bandwidth floor: reading, like cat, exactly the bytes billrun
# needs (headers and the period's rows; bench/readfloor). cat runs first
# (at 10,000 files the whole files do not fit the page cache of a 24 GB
# machine), then the needed bytes are read once to warm the cache for the
# rest. Each run of another program follows a run of billrun usage, and
# its ratio is to those usage runs (see measure). Prints a table and writes
# results.json.
# With BASE=REV (a git revision), billrun built at REV is timed beside
# the working tree's, usage and run, each run of one next to a run of the
# other: the side-by-side figures a change is judged by.
# Usage: bench/run.sh [N_FILES...]   (default: 1000 10000; RUNS=5; BENCH_DIR; BASE)
# Needs: Go, rrdtool, python3-rrdtool (make deps), GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ $# -eq 0 ] && sizes=(1000 10000)
work=${BENCH_DIR:-/tmp/billrun-bench}
runs=${RUNS:-5}
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
CGO_ENABLED=0 go build -o "$work/billrun" ./cmd/billrun   # the static binary make build ships
if [ -n "${BASE:-}" ]; then
  rm -rf "$work/base-src"
  git worktree add -f --detach "$work/base-src" "$BASE" >/dev/null
  (cd "$work/base-src" && CGO_ENABLED=0 go build -o "$work/billrun-base" ./cmd/billrun)
  git worktree remove --force "$work/base-src"
fi
go build -o "$work/readfloor" ./bench/readfloor
start=1790812800   # 2026-10-01T00:00:00Z
end=1793491200     # 2026-11-01T00:00:00Z

# measure NAME CMD...: runs the command $runs times; prints the median
# wall time and the maximum peak RSS (KiB). The time is taken with bash's
# EPOCHREALTIME (microseconds) around GNU time, whose own %e has only
# hundredths of a second, too coarse for billrun at 1,000 files; GNU
# time's fork and exec add the same ~1 ms to every program.
#
# This VM's speed drifts by 10 % and more from one minute to the next, so
# every other program is timed alongside billrun usage: each of its runs
# follows one run of usage ($usage_cmd, when set), and its ratio is to the
# median of those usage runs, taken in the same minutes (printed fourth).
measure() {
  local name=$1; shift
  local times=() base=() rss=0 s e t m
  for _ in $(seq "$runs"); do
    if [ -n "${usage_cmd:-}" ]; then
      s=$EPOCHREALTIME; "${usage_cmd[@]}" >/dev/null; e=$EPOCHREALTIME
      t=$(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.4f", e - s}')
      base+=("$t")
    fi
    s=$EPOCHREALTIME
    # a program that fails is not timed: its error is reported and the run ends
    /usr/bin/time -f '%M' -o "$work/t" "$@" >/dev/null || { echo "$name failed: $*" >&2; exit 1; }
    e=$EPOCHREALTIME
    read -r m < "$work/t"
    t=$(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.4f", e - s}')
    times+=("$t"); (( m > rss )) && rss=$m
  done
  local med bmed
  med=$(median "${times[@]}")
  bmed=$med
  [ ${#base[@]} -gt 0 ] && bmed=$(median "${base[@]}")
  echo "$name $med $rss $bmed"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

json="["
# ratio: to the runs of billrun usage beside it (an @BASE run: to this
# tree's run or usage beside it)
printf '%-8s %-34s %10s %10s %12s\n' files program "median s" "ratio" "peak RSS MiB"
for n in "${sizes[@]}"; do
  dir=$work/fleet-$n
  if [ ! -f "$dir/billing.yaml" ]; then
    "$work/billrun" demo --out "$dir" --vps "$n" --hosts 4 --customers $((n / 5)) --period 2026-10 --history-days 100 >/dev/null
  fi
  files=("$dir"/vps/*.rrd)
  printf '%s\n' "${files[@]}" > "$work/files-$n"
  "$work/readfloor" plan $start $end "${files[@]}" > "$work/ranges-$n"   # untimed: where the needed bytes are
  # cat of the whole files first: at 10,000 files they (15.6 GB) need not
  # fit the page cache, and reading them evicts the rows the rest need.
  usage_cmd=()
  cat_result=$(measure cat-whole-files sh -c "xargs cat < $work/files-$n")
  "$work/readfloor" read < "$work/ranges-$n" >/dev/null 2>&1   # warm the needed bytes for everyone
  results=()
  usage_cmd=()
  results+=("$(measure billrun-usage "$work/billrun" usage --config "$dir/billing.yaml" --period 2026-10)")
  usage_cmd=("$work/billrun" usage --config "$dir/billing.yaml" --period 2026-10)
  # --out elsewhere than the config's out_dir: every customer is drafted
  # (the demo has issued its invoices, which a run in out_dir would leave
  # alone), and the register is not touched
  results+=("$(measure billrun-run-full "$work/billrun" run --config "$dir/billing.yaml" --period 2026-10 --out "$work/run-out-$n")")
  if [ -n "${BASE:-}" ]; then
    # each run of the base follows a run of this tree's usage: its ratio
    # is base / this tree
    results+=("$(measure "billrun-usage@$BASE" "$work/billrun-base" usage --config "$dir/billing.yaml" --period 2026-10)")
    usage_cmd=("$work/billrun" run --config "$dir/billing.yaml" --period 2026-10 --out "$work/run-out-$n")
    results+=("$(measure "billrun-run-full@$BASE" "$work/billrun-base" run --config "$dir/billing.yaml" --period 2026-10 --out "$work/run-base-$n")")
    usage_cmd=("$work/billrun" usage --config "$dir/billing.yaml" --period 2026-10)
  fi
  results+=("$(measure seed-loop-python3-rrdtool /usr/bin/python3 bench/seed_loop.py sum $start $end "${files[@]}")")
  results+=("$(measure python3-rrdtool-bare-fetch /usr/bin/python3 bench/seed_loop.py fetch $start $end "${files[@]}")")
  results+=("$(measure rrdtool-fetch-shell-loop sh -c "while read -r f; do rrdtool fetch \"\$f\" AVERAGE -s $start -e $end; done < $work/files-$n")")
  # cat ran before the others (see above), so its ratio is to the usage
  # runs of the first measurement
  read -r cname ct cm _ <<<"$cat_result"
  cat_result="$cname $ct $cm $(echo "${results[0]}" | awk '{print $2}')"
  results+=("$cat_result")
  results+=("$(measure read-needed-bytes-floor sh -c "$work/readfloor read < $work/ranges-$n 2>/dev/null")")
  for r in "${results[@]}"; do
    read -r name t m base <<<"$r"
    ratio=$(awk -v a="$t" -v b="$base" 'BEGIN {printf "%.1f", (b > 0 ? a / b : 0)}')
    printf '%-8s %-34s %10s %10s %12.1f\n' "$n" "$name" "$t" "$ratio" "$(awk -v m="$m" 'BEGIN {print m/1024}')"
    json+="{\"files\":$n,\"program\":\"$name\",\"median_seconds\":$t,\"usage_alongside_seconds\":$base,\"ratio_to_billrun\":$ratio,\"peak_rss_kib\":$m},"
  done
done
json="${json%,}]"
echo "$json" > "$work/results.json"
echo "results: $work/results.json ($runs runs each, median wall time, warm page cache, $(nproc) cores)"
