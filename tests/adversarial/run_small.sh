#!/usr/bin/env bash
# adversarial_small (ctest): the hostile-input workloads of scripts/adversarial.sh at small
# sizes (50,000-flow SYN flood, 20,000 out-of-order one-byte segments, a 5 MB never-ending
# ClientHello, 100 half-sent 256 KiB ClientHellos, 300 flows of conflicting retransmissions,
# 300 flows with over-limit lengths), on the build's tlsdiag. Asserts: no crash or hang, exit
# status 0/1 as the ground truth says, the real handshakes embedded in each capture reported
# with their verdicts, the flow counts, and peak RSS under MAX_RSS_MIB (default 256) per run.
#
#   tests/adversarial/run_small.sh TLSDIAG [--no-rss-bound]
#
# --no-rss-bound: sanitizer builds, whose shadow memory makes RSS meaningless. Without
# /usr/bin/time (Debian package `time`) the RSS check is skipped with a message.
# Skipped (exit 77) without python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:?usage: run_small.sh TLSDIAG [--no-rss-bound]}
bound=(--max-rss-mib "${MAX_RSS_MIB:-256}")
if [ "${2:-}" = --no-rss-bound ]; then
  echo "adversarial_small: sanitizer build, peak RSS not bounded"
  bound=()
fi
command -v python3 >/dev/null || { echo "adversarial_small: SKIP: python3 missing"; exit 77; }
if [ ! -x /usr/bin/time ]; then
  echo "adversarial_small: /usr/bin/time missing (Debian package 'time'): RSS bound not checked"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/tlsdiag-adversarial-small.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$root/scripts/adversarial/run.py" --tlsdiag "$bin" --out "$work" --scale small \
  --timeout 60 "${bound[@]}"
