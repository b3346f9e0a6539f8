#!/usr/bin/env bash
# Hostile-input workloads (issue 8): generates each adversarial capture in turn, runs
# `tlsdiag analyze` (JSON and text) on it under /usr/bin/time -v, checks the report against the
# generator's ground truth, and prints a table: workload, size, packets, wall time, MB/s,
# packets/s, peak RSS, result.
#
#   scripts/adversarial.sh [OUTDIR] [WORKLOAD...]
#
# OUTDIR defaults to /tmp/tlsdiag-adversarial. Workloads (default all): synflood, ooo-reverse,
# ooo-shuffle, ooo-window, gap-flood, hello-endless, hello-halfway, overlap, oversized; see
# docs/hostile-input.md. The captures are generated one at a time and deleted after their runs
# (KEEP=1 keeps them; the largest, hello-halfway, is 1.3 GB).
# Environment: TLSDIAG (a tlsdiag binary to use instead of building build-rel/), SCALE (full,
# default, or small: the ctest sizes), MAX_RSS_MIB (fail a run whose peak RSS is above it),
# TIMEOUT (seconds per run, default 1800: a run still going is reported as a hang).
# Exit status: 0 when every run passed, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-/tmp/tlsdiag-adversarial}
shift || true

bin=${TLSDIAG:-}
if [ -z "$bin" ]; then
  bin=build-rel/tlsdiag
  if [ ! -x "$bin" ] || [ -n "$(find src include CMakeLists.txt -newer "$bin" -print -quit)" ]; then
    echo "adversarial: building $bin (Release)" >&2
    cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build-rel -j2 --target tlsdiag >/dev/null
  fi
fi

args=(--tlsdiag "$bin" --out "$out" --scale "${SCALE:-full}" --timeout "${TIMEOUT:-1800}")
[ -n "${MAX_RSS_MIB:-}" ] && args+=(--max-rss-mib "$MAX_RSS_MIB")
[ "${KEEP:-0}" = 1 ] && args+=(--keep)
exec python3 scripts/adversarial/run.py "${args[@]}" "$@"
