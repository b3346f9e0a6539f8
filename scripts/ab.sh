#!/usr/bin/env bash
# scripts/ab.sh — compares commands run in interleaved rounds: one run of each per round, so that
# a VM whose speed drifts (this one moves by a third within minutes) slows them alike. The
# A/B figures in docs/performance.md come from it.
#
#   scripts/ab.sh ROUNDS 'LABEL|COMMAND' ['LABEL|COMMAND' ...]
#   scripts/ab.sh 9 "old|/tmp/old analyze w1g/workload.pcap" "new|build-bench/tlsdiag analyze w1g/workload.pcap"
#
# A warm-up round is run first and not counted. Each command runs under bash -c with its output
# discarded; per label it prints the median, fastest and slowest wall time, the largest peak RSS,
# and the mean user and system time (GNU time). Exit statuses are ignored (tlsdiag exits 1 when
# it found failed handshakes).
set -euo pipefail

if (($# < 2)) || ! [[ $1 =~ ^[0-9]+$ ]]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
rounds=$1
shift
if [ ! -x /usr/bin/time ]; then
  echo "ab.sh: needs GNU time (apt-get install time)" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ((r = 0; r <= rounds; r++)); do
  i=0
  for spec in "$@"; do
    /usr/bin/time -o "$work/last" -f "%e %M %U %S" bash -c "${spec#*|}" > /dev/null 2>&1 || true
    ((r > 0)) && tail -1 "$work/last" >> "$work/$i"
    i=$((i + 1))
  done
done

i=0
for spec in "$@"; do
  sort -g "$work/$i" | awk -v label="${spec%%|*}" '
    { wall[NR] = $1; if ($2 > rss) rss = $2; user += $3; sys += $4 }
    END {
      median = NR % 2 ? wall[(NR + 1) / 2] : (wall[NR / 2] + wall[NR / 2 + 1]) / 2
      printf "%-14s median %.3f s  fastest %.3f  slowest %.3f  peak RSS %.1f MB  user %.3f  sys %.3f  (%d runs)\n",
             label, median, wall[1], wall[NR], rss / 1024, user / NR, sys / NR, NR
    }'
  i=$((i + 1))
done
