#!/usr/bin/env bash
# fleet_cli: the fleet-level questions of issue 6, over samples with known answers.
#  - `tlsdiag whatif --min-version TLS1.2`: the TLS 1.1-only client of
#    tls11-client-vs-tls12-server would break, the client of tls13-ok-openssl would not; at
#    TLS1.3 the TLS 1.2 client of tls10-server-vs-tls12-client breaks too; --server narrows to
#    one server; --ciphers with a suite nobody offers breaks everyone; exit status 1 / 0.
#  - `--since` / `--until` keep the flows whose first packet is in the window (the three samples
#    start at 18:29:13, 18:30:01 and 18:30:03 UTC) and the JSON summary says so.
#  - The JSON summary has the server view with its inferred policy.
# Usage: fleet_cli.sh TLSDIAG_BINARY. Skipped (77) without python3.
set -euo pipefail
tlsdiag=$1
samples=$(cd "$(dirname "$0")/../../samples" && pwd)
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
tls11=$samples/tls11-client-vs-tls12-server.pcap
tls13=$samples/tls13-ok-openssl.pcap
tls10srv=$samples/tls10-server-vs-tls12-client.pcap

# run EXPECTED_RC OUTPUT_FILE ARGS...: runs tlsdiag, checks its exit status.
run() {
  local want=$1 out=$2
  shift 2
  set +e
  "$tlsdiag" "$@" > "$out" 2> "$work/stderr"
  local rc=$?
  set -e
  [ "$rc" -eq "$want" ] || { cat "$work/stderr" >&2; fail "tlsdiag $*: exit status $rc, want $want"; }
}

# json FILE EXPR: prints the Python expression EXPR over the JSON document d.
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(($2))" "$1"; }

# --- whatif ----------------------------------------------------------------------------------
run 1 "$work/w12.txt" whatif --min-version TLS1.2 "$tls11" "$tls13"
grep -q '^Would break: 1 client, 1 connection$' "$work/w12.txt" || fail "whatif TLS1.2: $(cat "$work/w12.txt")"
grep -q 'best TLS 1.1  -> 127.0.0.1:20030 (localhost)' "$work/w12.txt" || fail "whatif TLS1.2: no TLS 1.1 example"
grep -q '^Unaffected: 1 client, 1 connection$' "$work/w12.txt" || fail "whatif TLS1.2: unaffected"

run 1 "$work/w13.json" whatif -f json --min-version TLS1.3 "$tls11" "$tls13" "$tls10srv"
[ "$(json "$work/w13.json" 'd["would_break"]["clients"]')" = 2 ] || fail "whatif TLS1.3: would_break"
[ "$(json "$work/w13.json" 'sorted(e["highest_version_offered"] for e in d["would_break"]["by_reason"]["version_too_low"]["examples"])')" = "['TLS 1.1', 'TLS 1.2']" ] \
  || fail "whatif TLS1.3: examples"
[ "$(json "$work/w13.json" 'd["unaffected"]["clients"]')" = 1 ] || fail "whatif TLS1.3: unaffected"

run 0 "$work/wsrv.txt" whatif --min-version TLS1.2 --server 127.0.0.1:20011 "$tls11" "$tls13"
grep -q '^Would break: 0 clients, 0 connections$' "$work/wsrv.txt" || fail "whatif --server: $(cat "$work/wsrv.txt")"
run 1 "$work/wsni.json" whatif -f json --min-version TLS1.2 --server LOCALHOST "$tls11" "$tls13"
[ "$(json "$work/wsni.json" 'd["would_break"]["connections"], d["unaffected"]["connections"]')" = "(1, 1)" ] \
  || fail "whatif --server by SNI"

run 1 "$work/wciph.json" whatif -f json --ciphers TLS_AES_128_CCM_8_SHA256 "$tls13"
[ "$(json "$work/wciph.json" 'd["would_break"]["by_reason"]["no_acceptable_cipher"]["clients"]')" = 1 ] || fail "whatif --ciphers"
run 0 "$work/wciph2.json" whatif -f json --ciphers TLS_AES_256_GCM_SHA384,0x1301 "$tls13"

run 0 "$work/wsince.txt" whatif --min-version TLS1.2 --since 2026-11-22T18:30:02Z "$tls11" "$tls13" "$tls10srv"
grep -q '^Clients seen (address + JA4): 1 client, 1 connection$' "$work/wsince.txt" || fail "whatif --since: $(cat "$work/wsince.txt")"
run 2 "$work/bad.txt" whatif --min-version TLS1.2 --until never "$tls13"
run 2 "$work/bad.txt" whatif --min-version TLS9 "$tls13"
run 2 "$work/bad.txt" whatif --ciphers NOPE "$tls13"
run 2 "$work/bad.txt" whatif "$tls13"

# --- --since / --until -----------------------------------------------------------------------
run 1 "$work/since.json" analyze -f json --since 2026-11-22T18:30:00Z "$tls11" "$tls13" "$tls10srv"
[ "$(json "$work/since.json" 'd["summary"]["flows"], len(d["flows"]), d["summary"]["window"]["flows_outside"]')" = "(2, 2, 1)" ] \
  || fail "--since: $(json "$work/since.json" 'd["summary"]["window"]')"
run 1 "$work/until.json" analyze -f json --until 2026-11-22T19:30:02+01:00 "$tls11" "$tls13" "$tls10srv"
[ "$(json "$work/until.json" 'd["summary"]["flows"], d["summary"]["ok"], d["summary"]["window"]["until"]')" = "(2, 1, '2026-11-22T18:30:02.000000Z')" ] \
  || fail "--until: $(json "$work/until.json" 'd["summary"]')"
run 0 "$work/none.txt" analyze --until 2026-11-21 "$tls11" "$tls13"
grep -q '^  window      flows whose first packet is before 2026-11-22T00:00:00.000000Z (2 TLS flows outside, not counted)$' \
  "$work/none.txt" || fail "--until DATE: $(grep window "$work/none.txt")"
run 0 "$work/all.txt" analyze --since 2026-11-22 --until 2026-11-22 "$tls13"
grep -q '(0 TLS flows outside' "$work/all.txt" || fail "--since/--until the same day"
run 2 "$work/bad.txt" analyze --since yesterday "$tls13"

# --- fleet views -----------------------------------------------------------------------------
run 1 "$work/fleet.json" analyze -f json "$tls11" "$tls13" "$tls10srv"
[ "$(json "$work/fleet.json" '[s["policy"] for s in d["summary"]["by_server"]]')" = \
  "['rejects clients whose best is TLS 1.1 (1 client)', 'accepts TLS 1.0', 'accepts TLS 1.3']" ] \
  || fail "by_server policies: $(json "$work/fleet.json" '[s["policy"] for s in d["summary"]["by_server"]]')"
[ "$(json "$work/fleet.json" 'd["summary"]["by_reason_detail"]["protocol_version_mismatch"]["flows"]')" = 2 ] || fail "by_reason_detail"
run 1 "$work/fleet.txt" analyze "$tls11" "$tls13" "$tls10srv"
grep -q '^      policy: rejects clients whose best is TLS 1.1 (1 client)$' "$work/fleet.txt" || fail "text: policy line"
echo "fleet_cli: ok"
