#!/usr/bin/env bash
# merge_cli: `tlsdiag merge` (issue 6, mergeable results), over the real captures in samples/.
#  - `analyze --format json` of all captures at once and of three consecutive shards (same order,
#    same flags) then `merge`: byte-identical documents, same exit status (1: some handshakes
#    fail), also with -o FILE.
#  - The shards merged in another order: the same summary counts, server policies and reason
#    details (only orders of first-seen lists and examples may differ).
#  - Exit status 0 and 2 carry over (shards without failures; a shard with a bad capture).
#  - Not a report (garbage, JSON Lines, a report without merge_state, a missing file) or a shard
#    analysed with another --since: exit 2, the reason on stderr, nothing on stdout.
# Usage: merge_cli.sh TLSDIAG_BINARY. Skipped (77) without python3.
set -euo pipefail
tlsdiag=$1
samples=$(cd "$(dirname "$0")/../../samples" && pwd)
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# run EXPECTED_RC OUTPUT_FILE ARGS...: runs tlsdiag, checks its exit status; stderr in $work/stderr.
run() {
  local want=$1 out=$2
  shift 2
  set +e
  "$tlsdiag" "$@" > "$out" 2> "$work/stderr"
  local rc=$?
  set -e
  [ "$rc" -eq "$want" ] || { cat "$work/stderr" >&2; fail "tlsdiag $*: exit status $rc, want $want"; }
}

captures=("$samples"/*.pcap "$samples"/*.pcapng)
keylogs=()
for k in "$samples"/*.keylog; do keylogs+=(--keylog "$k"); done
n=${#captures[@]}
[ "$n" -ge 6 ] || fail "only $n captures in $samples"
third=$(( (n + 2) / 3 ))
shard1=("${captures[@]:0:third}")
shard2=("${captures[@]:third:third}")
shard3=("${captures[@]:$((2 * third))}")

# --- shards merge to the bytes of one run -----------------------------------------------------
# analyze_shard OUTPUT CAPTURES...: as the whole run, on some of the captures (exit status 0 or 1).
analyze_shard() {
  local out=$1
  shift
  set +e
  "$tlsdiag" analyze -f json -j 2 "${keylogs[@]}" "$@" > "$out" 2> "$work/stderr"
  local rc=$?
  set -e
  [ "$rc" -le 1 ] || fail "analyze $*: exit status $rc"
}
run 1 "$work/all.json" analyze -f json -j 2 "${keylogs[@]}" "${captures[@]}"
analyze_shard "$work/s1.json" "${shard1[@]}"
analyze_shard "$work/s2.json" "${shard2[@]}"
analyze_shard "$work/s3.json" "${shard3[@]}"
run 1 "$work/merged.json" merge "$work/s1.json" "$work/s2.json" "$work/s3.json"
cmp "$work/all.json" "$work/merged.json" || fail "merged shards differ from one run: $(diff "$work/all.json" "$work/merged.json" | head -20)"
run 1 "$work/stdout" merge -o "$work/merged-o.json" "$work/s1.json" "$work/s2.json" "$work/s3.json"
[ ! -s "$work/stdout" ] || fail "merge -o wrote to stdout"
cmp "$work/all.json" "$work/merged-o.json" || fail "merge -o differs from one run"

# The comparison is not empty: shards differ from the whole, and the whole counts every capture.
python3 - "$work/all.json" "$work/s1.json" "$work/s2.json" "$work/s3.json" "$n" <<'PY'
import json, sys
whole, *shards = (json.load(open(p)) for p in sys.argv[1:5])
n = int(sys.argv[5])
s = whole["summary"]
assert s["inputs"] == n == len(whole["inputs"]), (s["inputs"], n)
assert s["flows"] == len(whole["flows"]) == sum(x["summary"]["flows"] for x in shards) > 0
assert all(x["summary"]["flows"] < s["flows"] for x in shards), "a shard holds every flow"
assert s["failed"] > 0 and s["ok"] > 0
assert whole["merge_state"]["format"] == 2 and whole["merge_state"]["flows"] == s["flows"]
PY

# --- another order: the same counts ----------------------------------------------------------
run 1 "$work/reordered.json" merge "$work/s3.json" "$work/s1.json" "$work/s2.json"
python3 - "$work/all.json" "$work/reordered.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["summary"] for p in sys.argv[1:3])

# Names, JA4s and certificates are the first few seen, and examples the first seen: they may
# differ; only how many there are is compared.
def counts(s):
    scalars = {k: v for k, v in s.items() if isinstance(v, int)}
    servers = {v["server"]: (v["flows"], v["failed"], v["failures"], v["policy"], v["negotiated_suites"],
                             v["rejected_suites"], len(v["names"]), len(v["certificates"])) for v in s["by_server"]}
    clients = {v["client"]: (v["flows"], v["failed"], v["failures"], v["highest_version_offered"],
                             len(v["ja4"])) for v in s["by_client"]}
    prints = {v["ja4"]: (v["flows"], v["failed"], v["top_reason"]) for v in s["by_client_fingerprint"]}
    return scalars, s["by_reason"], s["by_rejected_by"], s["by_reason_detail"], servers, clients, prints

for name, x, y in zip(["scalars", "by_reason", "by_rejected_by", "by_reason_detail", "by_server", "by_client",
                       "by_client_fingerprint"], counts(a), counts(b)):
    assert x == y, f"{name} differs in another order:\n{x}\n{y}"
assert len(a["by_server"]) > 3 and a["by_reason_detail"], "too little to compare"
PY

# --- exit statuses 0 and 2 carry over --------------------------------------------------------
ok1=$samples/tls12-ok-curl.pcap
ok2=$samples/tls13-ok-openssl.pcap
echo "not a capture" > "$work/text.pcap"
run 0 "$work/ok1.json" analyze -f json "$ok1"
run 0 "$work/ok2.json" analyze -f json "$ok2"
run 0 "$work/ok-all.json" analyze -f json "$ok1" "$ok2"
run 0 "$work/ok-merged.json" merge "$work/ok1.json" "$work/ok2.json"
cmp "$work/ok-all.json" "$work/ok-merged.json" || fail "ok shards: merged differs"
run 2 "$work/bad-shard.json" analyze -f json "$work/text.pcap"
run 2 "$work/bad-all.json" analyze -f json "$ok1" "$work/text.pcap"
run 2 "$work/bad-merged.json" merge "$work/ok1.json" "$work/bad-shard.json"
cmp "$work/bad-all.json" "$work/bad-merged.json" || fail "shard with an input error: merged differs"

# --- what is not a report ----------------------------------------------------------------------
# rejected FILE WHY: merge of a good report and FILE fails with exit 2, says WHY, prints nothing.
rejected() {
  run 2 "$work/out.json" merge "$work/ok1.json" "$1"
  grep -qF "tlsdiag merge: $1: $2" "$work/stderr" || fail "merge $1: stderr is: $(cat "$work/stderr")"
  [ ! -s "$work/out.json" ] || fail "merge $1 wrote output"
}
echo "hello" > "$work/garbage.json"
rejected "$work/garbage.json" "not a tlsdiag --format json document (parse error"
"$tlsdiag" analyze -f jsonl "$ok1" > "$work/lines.jsonl"
rejected "$work/lines.jsonl" "not a tlsdiag --format json document ("
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["merge_state"]; json.dump(d, open(sys.argv[2], "w"))' \
  "$work/ok1.json" "$work/old.json"
rejected "$work/old.json" 'not a tlsdiag --format json document (no "merge_state"'
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["merge_state"]["format"]=3; json.dump(d, open(sys.argv[2], "w"))' \
  "$work/ok1.json" "$work/v3.json"
rejected "$work/v3.json" "not a tlsdiag --format json document (merge_state: format 3"
run 2 "$work/out.json" merge "$work/ok1.json" "$work/missing.json"
grep -qF "tlsdiag merge: cannot read $work/missing.json" "$work/stderr" || fail "missing file: $(cat "$work/stderr")"
run 0 "$work/since.json" analyze -f json --since 2020-01-01 "$ok2"
rejected "$work/since.json" "analysed with another --since/--until window"

run 0 "$work/help.txt" merge --help
grep -q "tlsdiag merge \[options\] REPORT.json" "$work/help.txt" || fail "merge --help: $(cat "$work/help.txt")"
run 2 "$work/out.json" merge
echo "merge_cli: ok ($n captures in 3 shards)"
