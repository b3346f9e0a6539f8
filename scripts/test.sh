#!/usr/bin/env bash
# Installs what is missing, builds tlsdiag with its tests and runs the whole suite through ctest.
#   scripts/test.sh              Debug build in build/, all tests
#   scripts/test.sh --sanitize   the same under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=0
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
  esac
done

scripts/deps.sh
jobs=$(nproc)
if ((sanitize)); then
  dir=${BUILD_DIR:-build-asan}
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DTLSDIAG_SANITIZE=ON >/dev/null
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  dir=${BUILD_DIR:-build}
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug >/dev/null
fi
cmake --build "$dir" -j"$jobs"
ctest --test-dir "$dir" --output-on-failure -j"$jobs"
