#!/usr/bin/env bash
# live_loopback: `tlsdiag live -i lo` watching real handshakes (ctest; tests/cmake/live.cmake).
#
# In a private network namespace (unshare -n: nothing leaves it, fixed ports are free), starts
#   tlsdiag live -i lo --filter 'tcp portrange 4433-4435' --format jsonl --output OUT
#                --stats-interval 1 --all
# then drives three handshakes with openssl s_server / s_client on 127.0.0.1:
#   4433  success                      (client trusts the throwaway self-signed certificate)
#   4434  protocol_version_mismatch    (server -tls1_3 only, client -tls1_2)
#   4435  certificate_untrusted        (client -verify_return_error without the CA)
# waits for their flow lines and a stats line, sends SIGINT, and checks the JSONL: one flow line
# per handshake with the expected reason, stats lines, and the final summary line. Exit 77
# (skipped, with the reason on stdout) without root, unshare -n, openssl or python3.
#
# Usage: live_loopback.sh /path/to/tlsdiag
set -euo pipefail

skip() { echo "SKIPPED: $*"; exit 77; }

tlsdiag=${1:?usage: live_loopback.sh /path/to/tlsdiag}
tlsdiag=$(realpath "$tlsdiag")
root=$(realpath "$(dirname "$0")/../..")
if [[ ${LIVE_LOOPBACK_INSIDE:-} != 1 ]]; then
  [[ $(id -u) -eq 0 ]] || skip "needs root (capturing, and unshare -n for a private loopback)"
  command -v openssl >/dev/null || skip "needs openssl (s_server, s_client)"
  command -v python3 >/dev/null || skip "needs python3 to check the JSON lines"
  command -v ip >/dev/null || skip "needs ip (iproute2)"
  unshare -n true 2>/dev/null || skip "unshare -n does not work here (no network namespaces)"
  exec env LIVE_LOOPBACK_INSIDE=1 unshare -n bash "$0" "$@"
fi

ip link set lo up
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
  echo "--- tlsdiag output"; cat out.jsonl 2>/dev/null || true
  exit 1
}

# Waits up to $1 tenths of a second for the command in the remaining arguments to succeed.
wait_for() {
  local tenths=$1; shift
  for ((i = 0; i < tenths; i++)); do "$@" && return 0; sleep 0.1; done
  return 1
}

openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null

"$tlsdiag" live -i lo --filter 'tcp portrange 4433-4435' --format jsonl --output out.jsonl \
  --stats-interval 1 --all 2>err.txt &
live=$!
pids+=("$live")
wait_for 50 grep -q "listening on lo" err.txt || fail "tlsdiag live did not start"

serve() {  # port, extra s_server options...
  local port=$1; shift
  openssl s_server -accept "$port" -cert cert.pem -key key.pem -naccept 1 -www "$@" >/dev/null 2>&1 &
  pids+=("$!")
  wait_for 50 bash -c "ss -Hltn 'sport = :$port' | grep -q ." || fail "s_server on $port did not start"
}
connect() {  # port, extra s_client options...
  local port=$1; shift
  printf 'GET / HTTP/1.0\r\n\r\n' |
    timeout 5 openssl s_client -connect "127.0.0.1:$port" -servername localhost -quiet "$@" >/dev/null 2>&1 || true
}

serve 4433
serve 4434 -tls1_3
serve 4435
connect 4433 -CAfile cert.pem -verify_return_error
connect 4434 -tls1_2
connect 4435 -no-CAfile -no-CApath -no-CAstore -verify_return_error

flows() { grep -c '^{"type":"flow"' out.jsonl 2>/dev/null || true; }
wait_for 50 bash -c '[[ $(grep -c "^{\"type\":\"flow\"" out.jsonl) -ge 3 ]]' || fail "expected 3 flow lines, got $(flows)"
# A stats line written after the three flows (the interval is 1 s).
wait_for 30 bash -c 'tail -n 1 out.jsonl | grep -q "^{\"type\":\"stats\""' || fail "no stats line after the flows"

kill -INT "$live"
status=0
wait "$live" || status=$?
[[ $status -eq 0 ]] || fail "tlsdiag live exited with $status after SIGINT"

python3 - out.jsonl "$root/docs/tlsdiag-output.schema.json" <<'PY' || fail "the JSON lines are not what was expected"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
try:
    import jsonschema
    schema = json.load(open(sys.argv[2]))
    line_schema = dict(schema, **{"$ref": "#/$defs/jsonl_line"})
    for l in lines:
        jsonschema.validate(l, line_schema)
    print(f"{len(lines)} lines valid against the jsonl_line schema")
except ImportError:
    print("python3-jsonschema missing: lines not validated")
flows = {l["server"]["port"]: l for l in lines if l["type"] == "flow"}
stats = [l for l in lines if l["type"] == "stats"]
expected = {
    4433: ("ok", "ok", True),
    4434: ("failed", "protocol_version_mismatch", False),
    4435: ("failed", "certificate_untrusted", False),
}
ok = True
for port, (status, reason, established) in expected.items():
    f = flows.get(port)
    got = f and (f["verdict"]["status"], f["verdict"]["reason"], f["established"])
    print(f"port {port}: expected {(status, reason, established)}, got {got}")
    ok &= got == (status, reason, established)
ok &= len(flows) == 3
print(f"stats lines: {len(stats)}")
ok &= len(stats) >= 1 and all("kernel" in s and "interval_s" in s for s in stats)
last = lines[-1]
print(f"last line: type {last['type']}, flows {last.get('flows')}, ok {last.get('ok')}, failed {last.get('failed')}")
ok &= last["type"] == "summary" and last["flows"] == 3 and last["ok"] == 1 and last["failed"] == 2
ok &= last["by_reason"] == {"ok": 1, "protocol_version_mismatch": 1, "certificate_untrusted": 1}
ok &= sum(1 for l in lines if l["type"] == "summary") == 1
sys.exit(0 if ok else 1)
PY
grep -q "parsing as nobody" err.txt || fail "did not drop privileges to nobody"
echo "PASS"
