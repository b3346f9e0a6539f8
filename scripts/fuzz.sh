#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs them for a bounded time.
#
#   scripts/fuzz.sh TARGET SECONDS     run one target (tls_stream, packet, pcap_file, client_hello, keylog)
#   scripts/fuzz.sh all SECONDS        run every target in turn, SECONDS each
#   scripts/fuzz.sh minimize TARGET CRASH_FILE NAME
#                                      minimize a crashing input into tests/fuzz/regressions/TARGET/NAME
#                                      (NAME says what breaks: client_hello_len_overflow, not a hash)
#   scripts/fuzz.sh seeds              rebuild tests/fuzz/seeds/ from samples/*.pcap and
#                                      ../shared/corpus/zeek/*.pcap (then read the diff); the
#                                      keylog seeds are hand-written and left alone
#
# Runs one fuzzer process at a time on a copy of the seed corpus (BUILD_DIR/fuzz/TARGET/corpus,
# kept between runs so local runs build on each other; FRESH=1 starts again from the seeds).
# Exits nonzero on any crash, leak, timeout (> 10 s per input) or out-of-memory (> 2 GB); the
# input is saved as BUILD_DIR/fuzz/TARGET/crashes/<kind>-<sha1> and the log next to it.
# Environment: BUILD_DIR (default build-fuzz), JOBS (build parallelism, default nproc),
# FUZZ_CXX (default clang++), FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

targets=(tls_stream packet pcap_file client_hello keylog)
# Targets whose seeds make_seeds.cpp cuts from captures; the others' seeds are written by hand.
capture_seeded=(tls_stream packet pcap_file client_hello)
dir=${BUILD_DIR:-build-fuzz}
jobs=${JOBS:-$(nproc)}
cxx=${FUZZ_CXX:-clang++}

usage() {
  sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# Largest input per target: enough for a handshake with a certificate chain.
max_len() {
  case "$1" in
    tls_stream | packet) echo 32768 ;;
    pcap_file) echo 65536 ;;
    client_hello) echo 16384 ;;
    keylog) echo 8192 ;;  # past keylog.cpp's 4 KiB line cap
  esac
}
# Dictionaries per target, concatenated (libFuzzer takes one -dict).
dicts() {
  case "$1" in
    tls_stream | client_hello) echo tls ;;
    packet) echo "net tls" ;;
    pcap_file) echo "pcap net tls" ;;
    keylog) echo keylog ;;
  esac
}
is_target() {
  local t
  for t in "${targets[@]}"; do [[ "$t" == "$1" ]] && return 0; done
  return 1
}

ensure_clang() {
  scripts/deps.sh
  local probe
  probe=$(mktemp -d)
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$probe/p.cpp"
  if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" 2>/dev/null; then
    echo "fuzz: $cxx cannot link libFuzzer; installing clang and libclang-rt-14-dev" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
    "$cxx" -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p"
  fi
  rm -rf "$probe"
}

build() {
  ensure_clang
  cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTLSDIAG_FUZZ=ON -DTLSDIAG_SANITIZE=ON -DTLSDIAG_TESTS=OFF >/dev/null
  local t names=()
  for t in "$@"; do names+=(--target "tlsdiag_fuzz_$t"); done
  cmake --build "$dir" -j"$jobs" "${names[@]}"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run_target TARGET SECONDS: fuzzes, prints one summary line; returns nonzero on a finding.
run_target() {
  local t=$1 secs=$2
  local work="$dir/fuzz/$t"
  if [[ "${FRESH:-0}" == 1 ]]; then rm -rf "$work/corpus"; fi
  mkdir -p "$work/corpus" "$work/crashes"
  cp -n "tests/fuzz/seeds/$t"/* "$work/corpus/" 2>/dev/null || true
  local d dict="$work/$t.dict"
  : >"$dict"
  for d in $(dicts "$t"); do cat "tests/fuzz/dict/$d.dict" >>"$dict"; done
  local log="$work/last-run.log" rc=0
  echo "fuzz: $t for ${secs}s (corpus $(ls "$work/corpus" | wc -l) files, log $log)"
  # shellcheck disable=SC2086
  "$dir/tests/fuzz/tlsdiag_fuzz_$t" "$work/corpus" \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
    -dict="$dict" -artifact_prefix="$work/crashes/" -print_final_stats=1 ${FUZZ_ARGS:-} \
    >"$log" 2>&1 || rc=$?
  local runs cov ft
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  if ((rc != 0)); then
    local artifact
    artifact=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
    echo "fuzz: $t FAILED (exit $rc) after ${runs:-?} runs; input: ${artifact:-none saved}" >&2
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz_.*invariant)' "$log" | head -5 >&2 || true
    grep -E '^ +#[0-9]+ ' "$log" | head -15 >&2 || true
    if [[ -n "$artifact" ]]; then cp "$log" "$artifact.log"; fi
    echo "fuzz: reproduce: $dir/tests/fuzz/tlsdiag_fuzz_$t $artifact" >&2
    echo "fuzz: minimize:  scripts/fuzz.sh minimize $t $artifact <what_breaks>" >&2
    return 1
  fi
  echo "fuzz: $t clean: ${runs:-?} runs in ${secs}s, cov ${cov:-?} edges, ft ${ft:-?} features," \
    "corpus $(ls "$work/corpus" | wc -l) files"
}

cmd=${1:-}
case "$cmd" in
  all)
    [[ $# -eq 2 ]] || usage
    build "${targets[@]}"
    failed=()
    for t in "${targets[@]}"; do run_target "$t" "$2" || failed+=("$t"); done
    if ((${#failed[@]})); then
      echo "fuzz: crashes in: ${failed[*]}" >&2
      exit 1
    fi
    ;;
  minimize)
    [[ $# -eq 4 ]] && is_target "$2" || usage
    t=$2 crash=$3 name=$4
    [[ "$name" =~ ^[a-z0-9_]+$ ]] || { echo "fuzz: NAME is lower_snake_case" >&2; exit 2; }
    build "$t"
    out="tests/fuzz/regressions/$t/$name"
    mkdir -p "$(dirname "$out")"
    "$dir/tests/fuzz/tlsdiag_fuzz_$t" -minimize_crash=1 -max_total_time=120 -timeout=10 \
      -exact_artifact_path="$root/$out" "$crash" || true
    [[ -s "$out" ]] || cp "$crash" "$out"
    echo "fuzz: $out ($(stat -c %s "$out") bytes); it must still crash:"
    if "$dir/tests/fuzz/tlsdiag_fuzz_$t" "$out" >/dev/null 2>&1; then
      echo "fuzz: warning: $out does not crash" >&2
    else
      echo "fuzz: yes"
    fi
    ;;
  seeds)
    [[ $# -eq 1 ]] || usage
    build "${capture_seeded[@]}"
    cmake --build "$dir" -j"$jobs" --target tlsdiag_fuzz_make_seeds
    tmp=$(mktemp -d)
    captures=(samples/*.pcap)
    if [[ -d ../shared/corpus/zeek ]]; then captures+=(../shared/corpus/zeek/*.pcap); fi
    "$dir/tests/fuzz/tlsdiag_fuzz_make_seeds" "$tmp/all" "${captures[@]}" 2>/dev/null
    for t in "${capture_seeded[@]}"; do
      # Keep the smallest set of seeds with the same coverage, under their descriptive names.
      mkdir -p "$tmp/merged/$t"
      "$dir/tests/fuzz/tlsdiag_fuzz_$t" -set_cover_merge=1 -max_len="$(max_len "$t")" -timeout=20 \
        "$tmp/merged/$t" "$tmp/all/$t" >"$tmp/merge-$t.log" 2>&1
      rm -rf "tests/fuzz/seeds/$t"
      mkdir -p "tests/fuzz/seeds/$t"
      (cd "$tmp/all/$t" && sha1sum -- *) | while read -r sum name; do
        if [[ -e "$tmp/merged/$t/$sum" ]]; then cp "$tmp/all/$t/$name" "tests/fuzz/seeds/$t/$name"; fi
      done
      echo "fuzz: seeds/$t: $(ls "tests/fuzz/seeds/$t" | wc -l) files, $(du -sb "tests/fuzz/seeds/$t" | cut -f1) bytes"
    done
    rm -rf "$tmp"
    total=$(du -sb tests/fuzz/seeds | cut -f1)
    echo "fuzz: seeds total $total bytes"
    ((total <= 2 * 1024 * 1024)) || echo "fuzz: warning: seeds exceed 2 MB" >&2
    ;;
  *)
    [[ $# -eq 2 ]] && is_target "$cmd" || usage
    build "$cmd"
    run_target "$cmd" "$2"
    ;;
esac
