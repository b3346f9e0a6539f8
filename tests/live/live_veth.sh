#!/usr/bin/env bash
# live_veth: `tlsdiag live` on a veth interface between two private network namespaces (ctest;
# tests/cmake/live.cmake), in text format with --write-failures.
#
# Namespace A (unshare -n) holds veth0 (10.99.0.1) and tlsdiag; namespace B (a child
# `unshare -n`, reached with nsenter) holds veth1 (10.99.0.2) and openssl s_server -tls1_3.
# A TLS 1.2-only client in A fails the handshake (protocol_version_mismatch) across the veth
# pair, as real Ethernet frames. Checks the text line, the summary line after SIGTERM, and that
# `tlsdiag analyze` finds the same verdict in the --write-failures pcap. Exit 77 (skipped) without
# root, unshare -n, nsenter, ip with veth support, openssl or python3.
#
# Usage: live_veth.sh /path/to/tlsdiag
set -euo pipefail

skip() { echo "SKIPPED: $*"; exit 77; }

tlsdiag=${1:?usage: live_veth.sh /path/to/tlsdiag}
tlsdiag=$(realpath "$tlsdiag")
if [[ ${LIVE_VETH_INSIDE:-} != 1 ]]; then
  [[ $(id -u) -eq 0 ]] || skip "needs root (capturing, network namespaces)"
  for tool in openssl python3 ip nsenter; do command -v $tool >/dev/null || skip "needs $tool"; done
  unshare -n true 2>/dev/null || skip "unshare -n does not work here (no network namespaces)"
  exec env LIVE_VETH_INSIDE=1 unshare -n bash "$0" "$@"
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

fail() {
  echo "FAIL: $*"
  echo "--- tlsdiag stderr"; cat err.txt 2>/dev/null || true
  echo "--- tlsdiag output"; cat out.txt 2>/dev/null || true
  exit 1
}
wait_for() {
  local tenths=$1; shift
  for ((i = 0; i < tenths; i++)); do "$@" && return 0; sleep 0.1; done
  return 1
}

# Namespace B: a process that only holds it.
unshare -n sleep 60 &
peer=$!
pids+=("$peer")
ip link add veth0 type veth peer name veth1 2>/dev/null || skip "cannot create a veth pair here"
ip link set veth1 netns "$peer"
ip addr add 10.99.0.1/24 dev veth0
ip link set veth0 up
ip link set lo up
inb() { nsenter -t "$peer" -n "$@"; }
inb ip addr add 10.99.0.2/24 dev veth1
inb ip link set veth1 up
inb ip link set lo up
wait_for 50 bash -c "ip link show veth0 | grep -q 'state UP'" || skip "the veth pair does not come up"

openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=peer 2>/dev/null

"$tlsdiag" live -i veth0 --filter 'tcp port 4443' --output out.txt --write-failures failures.pcap 2>err.txt &
live=$!
pids+=("$live")
wait_for 50 grep -q "listening on veth0" err.txt || fail "tlsdiag live did not start"

inb openssl s_server -accept 4443 -cert cert.pem -key key.pem -naccept 1 -www -tls1_3 >/dev/null 2>&1 &
pids+=("$!")
wait_for 50 bash -c "nsenter -t $peer -n ss -Hltn 'sport = :4443' | grep -q ." || fail "s_server did not start"
printf 'GET / HTTP/1.0\r\n\r\n' |
  timeout 5 openssl s_client -connect 10.99.0.2:4443 -servername peer -tls1_2 -quiet >/dev/null 2>&1 || true

wait_for 50 grep -q "failed protocol_version_mismatch" out.txt || fail "no failed line"
kill -TERM "$live"
status=0
wait "$live" || status=$?
[[ $status -eq 0 ]] || fail "tlsdiag live exited with $status after SIGTERM"

grep -q "10.99.0.1:[0-9]* -> 10.99.0.2:4443  SNI peer" out.txt || fail "the line does not name the peers and the SNI"
tail -n 1 out.txt | grep -q " summary veth0 .*flows 1 (ok 0, failed 1, incomplete 0)" || fail "no summary line"

"$tlsdiag" analyze --format jsonl failures.pcap > analyzed.jsonl || true
python3 - analyzed.jsonl <<'PY' || fail "the --write-failures pcap does not show the failure"
import json, sys
flows = [l for l in map(json.loads, open(sys.argv[1])) if l["type"] == "flow"]
print("flows in failures.pcap:", [(f["verdict"]["reason"], f["history"]) for f in flows])
sys.exit(0 if [f["verdict"]["reason"] for f in flows] == ["protocol_version_mismatch"] else 1)
PY
echo "PASS"
