#!/usr/bin/env bash
# billrun send of N issued documents (default 2000) to a local SMTP server
# (mailpit on loopback, make deps installs it), over one connection: the
# wall time and billrun's peak RSS (GNU time's %M), median of RUNS (3),
# each run sending every document again (a fresh copy of the register).
# The documents are a demo fleet's (one VPS per customer), issued once.
# Fails when the median is above LIMIT seconds (60).
# Usage: bench/send.sh [N]   Needs: Go, mailpit, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
runs=${RUNS:-3}
limit=${LIMIT:-60}
work=${BENCH_DIR:-/tmp/billrun-bench-send}
mailpit=$(command -v mailpit || echo "$(go env GOPATH)/bin/mailpit")
rm -rf "$work" && mkdir -p "$work"
CGO_ENABLED=0 go build -o "$work/billrun" ./cmd/billrun
BILLRUN_NOW=2026-11-05T10:00:00Z "$work/billrun" demo --out "$work/fleet" --period 2026-10 \
  --customers "$n" --vps "$n" --hosts 4 >/dev/null 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
http=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$mailpit" --listen "127.0.0.1:$http" --smtp "127.0.0.1:$port" --disable-version-check --quiet \
  --database "$work/mailpit.db" --max 100 &
mp=$!
trap 'kill $mp 2>/dev/null' EXIT
sleep 1
cfg=$work/fleet/billing.yaml
sed -i 's/^  - {id: C/  - {email: "ap@customer.example", id: C/' "$cfg"
echo "smtp: {host: 127.0.0.1, port: $port, tls: none}" >> "$cfg"
cp -a "$work/fleet/state" "$work/state-issued"
times=()
rss=0
for _ in $(seq "$runs"); do
  rm -rf "$work/fleet/state" && cp -a "$work/state-issued" "$work/fleet/state"
  s=$EPOCHREALTIME
  /usr/bin/time -f '%M' -o "$work/t" "$work/billrun" send --config "$cfg" > "$work/out"
  e=$EPOCHREALTIME
  times+=("$(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.2f", e - s}')")
  m=$(tail -1 "$work/t"); [ "$m" -gt "$rss" ] && rss=$m
  sent=$(grep -c '^sent: ' "$work/out")
  [ "$sent" = "$n" ] || { echo "sent $sent of $n" >&2; exit 1; }
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "billrun send, $n documents to mailpit on loopback: median ${median} s of ${times[*]}, peak RSS ${rss} KiB"
awk -v m="$median" -v l="$limit" 'BEGIN {exit !(m <= l)}' || { echo "above the limit of $limit s" >&2; exit 1; }
