#!/usr/bin/env bash
# Installs (as root, with apt-get) every Debian 12 package tlsdiag needs to build, test and run
# its demo. Only packages that are missing are installed; rerunning is cheap.
#   scripts/deps.sh           what the build, the tests and the demo need
#   scripts/deps.sh --bench   and what scripts/bench.sh compares against and times with
set -euo pipefail

# libboost1.74-dev: Boost.Container (static_vector) headers, besides program_options.
packages=(
  build-essential cmake pkg-config git
  libpcap-dev libboost-program-options-dev libboost1.74-dev nlohmann-json3-dev libgtest-dev libssl-dev
  zlib1g-dev libzstd-dev liblzma-dev libbenchmark-dev libmimalloc-dev
  gzip zstd xz-utils
  clang libclang-rt-14-dev
  python3 python3-jsonschema time openssl iproute2
)
if [ "${1:-}" = --bench ]; then
  packages+=(tshark hyperfine)
elif [ $# -gt 0 ]; then
  echo "usage: scripts/deps.sh [--bench]" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages and not root; run as root or install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Waits for dpkg's lock instead of failing when another install (a second test.sh) holds it.
  lock=(-o DPkg::Lock::Timeout=600)
  apt-get "${lock[@]}" update -qq || true
  apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
