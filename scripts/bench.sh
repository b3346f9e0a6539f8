#!/usr/bin/env bash
# scripts/bench.sh — how fast tlsdiag reads a capture, next to libpcap's own read loop and tshark.
#
# In one run: installs what is missing (scripts/deps.sh --bench: the build's packages, tshark,
# hyperfine), makes the workloads if missing (1 GB and 100 MB, ../shared/bench/make-workload.sh),
# builds tlsdiag (Release) and the floor (../shared/bench/floor/pcap_floor.c), checks tlsdiag's
# counts against the workload's ground truth (ClientHellos, ServerHellos, established flows,
# failures by reason; exit 1 when they differ), then measures
#   pcap_floor -b                              1 GB   the floor: libpcap on a 1 MiB stdio buffer
#   tlsdiag analyze -j 1      (text, /dev/null) 1 GB   one thread
#   tlsdiag analyze -j 1 --format jsonl         1 GB   one thread
#   tlsdiag analyze           (text, /dev/null) 1 GB   default: read ahead on a second thread
#   tlsdiag analyze --format jsonl (/dev/null)  1 GB
#   pcap_floor -b, tshark (handshake fields)    100 MB
# the 1 GB commands in RUNS rounds of one run each (the median of each), the others with hyperfine
# when installed (else the median of RUNS runs), each run after re-reading the file (warm page cache), peak RSS from /usr/bin/time -v, and prints MB/s, packets/s,
# the fastest and slowest run (an "unsteady" line names the commands whose runs differ by more
# than a quarter of their median: the machine's speed moved), peak RSS
# and each command's time as a multiple of the floor measured in the same run, and the memory an
# open flow costs (peak RSS less the RSS of a run that analyses nothing, over the most open flows).
#
# Environment:
#   BENCH_DIR    where the workloads live (default /work/bench-data): BENCH_DIR/w1g, BENCH_DIR/w100
#   BUILD_DIR    Release build directory (default <repo>/build-bench)
#   SHARED_BENCH the workload generator and the floor (default <repo>/../shared/bench)
#   RUNS         runs per fast command (default 5); TSHARK_RUNS (default 1)
#   SKIP_TSHARK=1  no tshark;  SKIP_CHECK=1  no correctness check;  SKIP_BUILD=1  use BUILD_DIR as is
#   INTERLEAVE=0 time the 1 GB commands one after another (hyperfine when installed) instead of in
#                rounds of one run each (the default: a VM whose speed drifts slows them alike)
#   SCALING=1    also make a 10 GB workload (BENCH_DIR/w10g, ~10 GB of disk) and run the floor, the
#                text report and JSON Lines on it once each: each one's time against its 1 GB time
#                (the target is 10 x at most), peak RSS against the 1 GB peak
#   KEEP_CACHE=1 do not empty the page cache before measuring (by default, as root, it is emptied
#                system-wide and each workload read once: see fresh_cache below)
#   OUT          results directory (default BENCH_DIR/results-tlsdiag): summary.txt, hf_*.json
# The machine may be shared: compare the ratios, which come from one run, not the seconds.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/work/bench-data}
BUILD_DIR=${BUILD_DIR:-$REPO/build-bench}
SHARED_BENCH=${SHARED_BENCH:-$REPO/../shared/bench}
RUNS=${RUNS:-5}
TSHARK_RUNS=${TSHARK_RUNS:-1}
OUT=${OUT:-$BENCH_DIR/results-tlsdiag}
BIG=$BENCH_DIR/w1g
SMALL=$BENCH_DIR/w100
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
: > "$OUT/measurements.tsv"

log() { printf '== %s\n' "$*" >&2; }

# ---- tools: the build's packages, tshark and hyperfine (scripts/deps.sh --bench) ------------
"$REPO/scripts/deps.sh" --bench >&2 || log "could not install every package: what is missing is skipped"

# ---- workloads ------------------------------------------------------------------------------
make_workload() {  # dir size_mb
  if [ ! -s "$1/workload.pcap" ] || [ ! -s "$1/workload.json" ]; then
    log "making the $2 MB workload in $1"
    "$SHARED_BENCH/make-workload.sh" "$1" "$2" 1 >&2
  fi
}
make_workload "$BIG" 1024
make_workload "$SMALL" 100

# ---- builds ---------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building tlsdiag (Release) in $BUILD_DIR"
  cmake -S "$REPO" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DTLSDIAG_TESTS=OFF >/dev/null
  cmake --build "$BUILD_DIR" --target tlsdiag -j "${JOBS:-2}" >&2
fi
TLSDIAG=$BUILD_DIR/tlsdiag
FLOOR=$OUT/pcap_floor
cc -O2 -Wall -o "$FLOOR" "$SHARED_BENCH/floor/pcap_floor.c" -lpcap

# ---- correctness ----------------------------------------------------------------------------
# tlsdiag's summary (the last JSON Lines record) against workload.json.
check() {  # dir
  local dir=$1 rc=0
  "$TLSDIAG" analyze --format jsonl --only-failures "$dir/workload.pcap" > "$OUT/check-$(basename "$dir").jsonl" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "FAIL $(basename "$dir"): tlsdiag exited with $rc" >&2
    return 1
  fi
  python3 - "$dir/workload.json" "$OUT/check-$(basename "$dir").jsonl" <<'EOF'
import json, sys
truth = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
summary = json.loads(lines[-1])
assert summary.get("type") == "summary", "last line is not the summary"
# The workload's failure kinds and the reasons tlsdiag should give them.
kind_to_reason = {
    "alert_handshake_failure": "no_shared_cipher",
    "alert_protocol_version": "protocol_version_mismatch",
    "alert_unknown_ca": "certificate_untrusted",
    "plain_http": "plaintext_to_tls_port",
    "tcp_rst": "tcp_reset",
}
expected = {"client_hellos": truth["client_hellos"], "server_hellos": truth["server_hellos"],
            "established": truth["successes"]}
got = {k: summary[k] for k in expected}
for kind, n in truth["failures_by_kind"].items():
    expected["failed: " + kind_to_reason[kind]] = n
reasons = {r: n for r, n in summary["by_reason"].items() if r != "ok"}
for reason, n in reasons.items():
    got["failed: " + reason] = n
bad = 0
for key in sorted(set(expected) | set(got)):
    e, g = expected.get(key, 0), got.get(key, 0)
    mark = "ok " if e == g else "BAD"
    bad += e != g
    print(f"  {mark} {key:42s} expected {e:>8}  tlsdiag {g:>8}")
name = sys.argv[1].split("/")[-2]
print(f"{name}: {'counts match workload.json' if not bad else f'{bad} counts differ from workload.json'}")
sys.exit(1 if bad else 0)
EOF
}
CHECK_OK=1
if [ "${SKIP_CHECK:-0}" != 1 ]; then
  log "correctness: counts against workload.json"
  for dir in "$SMALL" "$BIG"; do
    check "$dir" | tee -a "$OUT/check.txt" || CHECK_OK=0
  done
fi

# ---- measurements ---------------------------------------------------------------------------
# measure NAME FILE RUNS CMD...: median wall seconds and peak RSS (KiB) of CMD, run after
# re-reading FILE (the page cache of a VM drains by itself). Appends a line to measurements.tsv.
measure() {
  local name=$1 file=$2 runs=$3; shift 3
  local rss="$OUT/rss_$name.txt" cmd median peak
  cmd=$(printf '%q ' "$@")
  rm -f "$rss" "$OUT/times_$name.txt"
  log "$name: $cmd($(cut -d' ' -f1-3 /proc/loadavg) load)"
  if command -v hyperfine >/dev/null; then
    # -i: tlsdiag exits 1 when it found failed handshakes, which this workload has.
    hyperfine --style basic --runs "$runs" --warmup $((runs > 1 ? 1 : 0)) -i \
      --prepare "cat $(printf '%q' "$file") > /dev/null" \
      --export-json "$OUT/hf_$name.json" -n "$name" "$cmd" >&2
    median=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$OUT/hf_$name.json")
    # hyperfine does not report memory: peak RSS from two more runs.
    for _ in 1 2; do
      cat "$file" > /dev/null
      /usr/bin/time -v -a -o "$rss" "$@" > /dev/null 2>&1 || true
    done
  else
    local TIMEFORMAT=%R
    for _ in $(seq "$runs"); do
      cat "$file" > /dev/null
      { time /usr/bin/time -v -a -o "$rss" "$@" > /dev/null 2>&1 || true; } 2>> "$OUT/times_$name.txt"
    done
    median=$(sort -g "$OUT/times_$name.txt" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  fi
  peak=$(awk -F': ' '/Maximum resident set size/ {if ($2 + 0 > m) m = $2 + 0} END {print m + 0}' "$rss")
  printf '%s\t%s\t%s\t%s\n' "$name" "$file" "$median" "$peak" >> "$OUT/measurements.tsv"
}

# interleaved FILE RUNS "NAME|CMD"...: like measure, but in rounds, each command once per round
# (after one round not counted), so that a machine whose speed drifts (this VM's does, by up to
# 60 % within minutes) slows every command alike and the ratios hold. CMD is shell-quoted.
interleaved() {
  local file=$1 runs=$2 spec name cmd median peak round
  shift 2
  local TIMEFORMAT=%R
  for spec in "$@"; do rm -f "$OUT/rss_${spec%%|*}.txt" "$OUT/times_${spec%%|*}.txt"; done
  log "interleaved: $runs rounds of $# commands ($(cut -d' ' -f1-3 /proc/loadavg) load)"
  for round in $(seq 0 "$runs"); do
    for spec in "$@"; do
      name=${spec%%|*} cmd=${spec#*|}
      cat "$file" > /dev/null
      if [ "$round" = 0 ]; then eval "$cmd" > /dev/null 2>&1 || true; continue; fi
      { time eval "/usr/bin/time -v -a -o $(printf '%q' "$OUT/rss_$name.txt") $cmd > /dev/null 2>&1 || true"; } \
        2>> "$OUT/times_$name.txt"
    done
  done
  for spec in "$@"; do
    name=${spec%%|*}
    median=$(sort -g "$OUT/times_$name.txt" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
    peak=$(awk -F': ' '/Maximum resident set size/ {if ($2 + 0 > m) m = $2 + 0} END {print m + 0}' "$OUT/rss_$name.txt")
    log "$name: median $median s of $runs, peak RSS $peak KiB"
    printf '%s\t%s\t%s\t%s\n' "$name" "$file" "$median" "$peak" >> "$OUT/measurements.tsv"
  done
}

BIGF=$BIG/workload.pcap
SMALLF=$SMALL/workload.pcap
q() { printf '%q ' "$@"; }
# fresh_cache FILE...: the page cache emptied (as root), then FILE read once. A file read many
# times, or pushed around by the 10 GB one, costs the kernel more per read: libpcap's own loop took
# 0.21 s over the 1 GB file in that state against 0.13 s after this (its pages' LRU bookkeeping),
# which made every ratio to the floor look better than it was.
fresh_cache() {
  if [ "${KEEP_CACHE:-0}" = 1 ]; then
    log "KEEP_CACHE=1: the page cache is measured as found"
  elif [ -w /proc/sys/vm/drop_caches ]; then
    sync
    echo 1 > /proc/sys/vm/drop_caches
    log "page cache emptied, then $# file(s) read once"
  else
    log "not root: the page cache is measured as found (ratios to the floor may be flattered)"
  fi
  local f
  for f in "$@"; do cat "$f" > /dev/null; done
}
fresh_cache "$BIGF" "$SMALLF"
# -j 1: one thread (the single-thread target); the default on 2 cores writes the report on a
# second thread while the first analyses the file.
ONE_GB=("floor_1g|$(q "$FLOOR" -b "$BIGF")"
        "tlsdiag_text_1thread_1g|$(q "$TLSDIAG" analyze -j 1 "$BIGF")"
        "tlsdiag_jsonl_1thread_1g|$(q "$TLSDIAG" analyze -j 1 --format jsonl "$BIGF")"
        "tlsdiag_text_1g|$(q "$TLSDIAG" analyze "$BIGF")"
        "tlsdiag_jsonl_1g|$(q "$TLSDIAG" analyze --format jsonl "$BIGF")")
if [ "${INTERLEAVE:-1}" = 1 ]; then
  interleaved "$BIGF" "$RUNS" "${ONE_GB[@]}"
else
  for spec in "${ONE_GB[@]}"; do eval "measure ${spec%%|*} $(q "$BIGF") $RUNS ${spec#*|}"; done
fi
measure floor_100m "$SMALLF" "$RUNS" "$FLOOR" -b "$SMALLF"
if [ "${SKIP_TSHARK:-0}" != 1 ] && command -v tshark >/dev/null; then
  # The fields ../shared/bench/run-bench.sh extracts: hellos and alerts.
  measure tshark_100m "$SMALLF" "$TSHARK_RUNS" tshark -r "$SMALLF" \
    -Y 'tls.handshake.type==1 || tls.handshake.type==2 || tls.alert_message' -T fields \
    -e frame.number -e ip.src -e tcp.srcport -e tls.handshake.type -e tls.handshake.version \
    -e tls.handshake.ciphersuite -e tls.alert_message.desc
fi
if [ "${SCALING:-0}" = 1 ]; then
  make_workload "$BENCH_DIR/w10g" 10240
  HUGEF="$BENCH_DIR/w10g/workload.pcap"
  fresh_cache "$HUGEF"
  # The floor too: libpcap's own loop need not take 10 times as long on 10 times the bytes.
  measure floor_10g "$HUGEF" 1 "$FLOOR" -b "$HUGEF"
  measure tlsdiag_text_10g "$HUGEF" 1 "$TLSDIAG" analyze "$HUGEF"
  measure tlsdiag_jsonl_10g "$HUGEF" 1 "$TLSDIAG" analyze --format jsonl "$HUGEF"
fi

# Peak RSS with nothing to analyse (--filter udp: every packet read, none decoded), the part
# that does not grow with the flows; the rest, over the most flows open at once, is what an open
# flow costs.
cat "$BIGF" > /dev/null
/usr/bin/time -v -o "$OUT/rss_base.txt" "$TLSDIAG" analyze --filter udp "$BIGF" > /dev/null 2>&1 || true
BASE_KB=$(awk -F': ' '/Maximum resident set size/ {print $2 + 0}' "$OUT/rss_base.txt")

# ---- report ---------------------------------------------------------------------------------
python3 - "$OUT/measurements.tsv" "$BIG/workload.json" "$SMALL/workload.json" "$CHECK_OK" "${BASE_KB:-0}" <<'EOF' | tee "$OUT/summary.txt"
import json, os, sys
rows = {}
for line in open(sys.argv[1]):
    name, path, median, peak = line.rstrip("\n").split("\t")
    rows[name] = (path, float(median), int(peak))
truth = {"1g": json.load(open(sys.argv[2])), "100m": json.load(open(sys.argv[3]))}
print(f"tlsdiag benchmark  (load {open('/proc/loadavg').read().split()[0]}, {os.cpu_count()} CPUs)")
print(f"{'command':26s} {'file':>7s} {'median s':>9s} {'runs s':>11s} {'MB/s':>8s} {'Mpkt/s':>7s} {'peak RSS':>9s} {'x floor':>8s}")
# The fastest and slowest run of each command timed here one run at a time (hyperfine's are in
# its hf_*.json): on a VM whose speed moves, a wide range says the medians moved with it.
spread = {}
for name in rows:
    times_file = os.path.join(os.path.dirname(sys.argv[1]), f"times_{name}.txt")
    if os.path.exists(times_file):
        times = [float(t) for t in open(times_file).read().split()]
        if times:
            spread[name] = (min(times), max(times))
unsteady = []
for name, (path, median, peak) in rows.items():
    size = "1g" if name.endswith("_1g") else "100m" if name.endswith("_100m") else "10g"
    floor = rows.get("floor_" + size)
    t = truth[size] if size != "10g" else json.load(open(os.path.join(os.path.dirname(path), "workload.json")))
    ratio = f"{median / floor[1]:.2f}" if floor else "-"
    mb = t["file_bytes"] / 1e6 / median
    mpkt = t["packets"] / 1e6 / median
    label = name.rsplit("_", 1)[0]
    lo, hi = spread.get(name, (median, median))
    runs = f"{lo:.2f}-{hi:.2f}" if name in spread else "-"
    if name in spread and hi - lo > 0.25 * median:
        unsteady.append(label + "_" + size)
    print(f"{label:26s} {size:>7s} {median:9.3f} {runs:>11s} {mb:8.0f} {mpkt:7.2f} {peak / 1024:7.1f}MB {ratio:>8s}")
base_kb, open_flows = int(sys.argv[5]), truth["1g"]["concurrency"]["max_open_flows"]
if base_kb > 0:
    per_flow = [f"{(rows[n][2] - base_kb) * 1024 / open_flows / 1000:.1f} KB ({n.removeprefix('tlsdiag_').removesuffix('_1g')})"
                for n in ("tlsdiag_text_1g", "tlsdiag_jsonl_1g") if n in rows]
    print(f"memory per open flow (1 GB: peak RSS less {base_kb / 1024:.1f} MB with nothing analysed, "
          f"over {open_flows} flows open at most): {', '.join(per_flow)}")
# Scaling: each command's 10 GB time over its 1 GB time (the target is at most 10), and its peak RSS.
scaled = [(n.removesuffix("_10g"), rows[n], rows.get(n.removesuffix("_10g") + "_1g")) for n in rows if n.endswith("_10g")]
if scaled:
    print("10 GB / 1 GB: " + ", ".join(
        f"{name.removeprefix('tlsdiag_')} {big[1] / small[1]:.1f}x the time"
        + (f", {big[2] / small[2]:.2f}x the peak RSS" if name != "floor" else "")
        for name, big, small in scaled if small))
if unsteady:
    print("unsteady: " + ", ".join(unsteady) + ": runs differ by more than a quarter of the median; the machine's "
          "speed moved during the measurement, so compare binaries in the same rounds (scripts/ab.sh)")
print("correctness: " + ("counts match workload.json" if sys.argv[4] == "1" else "COUNTS DIFFER (see check.txt)"))
EOF
[ "$CHECK_OK" = 1 ]
