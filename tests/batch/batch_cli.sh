#!/usr/bin/env bash
# batch_cli: `tlsdiag analyze` over a directory of mixed inputs, as a user runs it.
#  - pcap, pcapng, gzip, zstd and xz captures are all read; a truncated .gz, an empty file and a
#    file that is not a capture are reported (stderr, text summary, JSON inputs) and the others
#    still analysed; exit status 2 after the whole report.
#  - -j 1, -j 2 and -j 5 give byte-identical JSON.
#  - --glob picks the files of a directory; --merge-rotated reads two pieces of one capture
#    (cut inside the handshake) as one input with one established flow.
#  - stderr is not a terminal here: no progress line.
# Usage: batch_cli.sh TLSDIAG_BINARY. Skipped (77) without gzip, zstd, xz or python3.
set -euo pipefail
tlsdiag=$1
samples=$(cd "$(dirname "$0")/../../samples" && pwd)
for tool in gzip zstd xz python3; do
  command -v "$tool" >/dev/null || { echo "skip: $tool not found"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- a directory of mixed files -------------------------------------------------------------
mixed=$work/mixed
mkdir -p "$mixed/sub"
cp "$samples/tls12-ok-openssl.pcap" "$mixed/a-plain.pcap"
cp "$samples/tls13-ok-pcapng.pcapng" "$mixed/b-ng.pcapng"
gzip -c "$samples/tls13-cert-expired-openssl.pcap" > "$mixed/c-gzip.pcap.gz"
zstd -q -c "$samples/many-flows-mixed.pcap" > "$mixed/sub/d-zstd.pcap.zst"
xz -c "$samples/tls12-resumed-openssl.pcap" > "$mixed/sub/e-xz.pcap.xz"
gzip -c "$samples/many-flows-mixed.pcap" | head -c 3000 > "$mixed/f-truncated.pcap.gz"
: > "$mixed/g-empty.pcap"
echo "not a capture" > "$mixed/h-text.pcap"
echo "ignored" > "$mixed/notes.txt"

set +e
"$tlsdiag" analyze -f json -j 2 "$mixed" > "$work/mixed.json" 2> "$work/mixed.err"
rc=$?
"$tlsdiag" analyze -j 2 "$mixed" > "$work/mixed.txt" 2> /dev/null
rc_text=$?
set -e
[ "$rc" -eq 2 ] || fail "mixed: exit status $rc, want 2"
[ "$rc_text" -eq 2 ] || fail "mixed text: exit status $rc_text, want 2"
grep -q "f-truncated.pcap.gz: .*gzip stream ends early at compressed byte 3000" "$work/mixed.err" || fail "no truncation error on stderr"
grep -q "g-empty.pcap: empty file" "$work/mixed.err" || fail "no empty-file error on stderr"
grep -q "h-text.pcap: not a pcap or pcapng capture" "$work/mixed.err" || fail "no not-a-capture error on stderr"
grep -q $'\r' "$work/mixed.err" && fail "progress drawn although stderr is not a terminal"
grep -q "^Summary" "$work/mixed.txt" || fail "text report incomplete"
grep -q "gzip stream ends early" "$work/mixed.txt" || fail "text summary does not list the input error"
python3 - "$work/mixed.json" <<'PY'
import json, os, sys
doc = json.load(open(sys.argv[1]))
inputs = {os.path.basename(i["path"]): i for i in doc["inputs"]}
want = ["a-plain.pcap", "b-ng.pcapng", "c-gzip.pcap.gz", "f-truncated.pcap.gz", "g-empty.pcap",
        "h-text.pcap", "d-zstd.pcap.zst", "e-xz.pcap.xz"]
got = [os.path.basename(i["path"]) for i in doc["inputs"]]
assert got == want, f"inputs in order {got}, want {want}"
bad = {"f-truncated.pcap.gz", "g-empty.pcap", "h-text.pcap"}
for name, i in inputs.items():
    if name in bad:
        assert i["error"], f"{name}: no error"
        assert i["error_offset"] is not None, f"{name}: no offset"
    else:
        assert i["error"] is None, f"{name}: {i['error']}"
        assert i["packets"] > 0, f"{name}: no packets"
assert inputs["f-truncated.pcap.gz"]["error_offset"] == 3000
assert inputs["f-truncated.pcap.gz"]["packets"] > 0, "packets before the cut not counted"
assert doc["summary"]["inputs"] == 8 and doc["summary"]["input_errors"] == 3, doc["summary"]
PY

# --- -j N is deterministic ------------------------------------------------------------------
same=$work/same
mkdir -p "$same"
for f in "$samples"/*.pcap "$samples"/*.pcapng; do cp "$f" "$same/"; done
cp "$mixed/c-gzip.pcap.gz" "$mixed/sub/d-zstd.pcap.zst" "$same/"
for j in 1 2 5; do
  "$tlsdiag" analyze -q -f json -j $j "$same" > "$work/j$j.json" || [ $? -eq 1 ]
done
cmp -s "$work/j1.json" "$work/j2.json" || fail "-j 2 output differs from -j 1"
cmp -s "$work/j1.json" "$work/j5.json" || fail "-j 5 output differs from -j 1"

# --- --glob ---------------------------------------------------------------------------------
"$tlsdiag" analyze -q -f json --glob '*.pcapng' "$mixed" > "$work/glob.json" || [ $? -eq 1 ]
python3 -c "
import json, sys
doc = json.load(open(sys.argv[1]))
assert [i['path'].rsplit('/', 1)[1] for i in doc['inputs']] == ['b-ng.pcapng'], doc['inputs']
" "$work/glob.json"

# --- --merge-rotated ------------------------------------------------------------------------
rot=$work/rot
mkdir -p "$rot"
# Classic pcap: a 24-byte header, then records of a 16-byte header and caplen bytes. The cut
# falls after the 6th record (the server's first flight), inside the handshake.
python3 - "$samples/tls12-ok-openssl.pcap" "$rot/trace.pcap" "$rot/trace.pcap1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
header, pos, records = data[:24], 24, []
endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
while pos < len(data):
    caplen = struct.unpack(endian + "I", data[pos + 8:pos + 12])[0]
    records.append(data[pos:pos + 16 + caplen])
    pos += 16 + caplen
open(sys.argv[2], "wb").write(header + b"".join(records[:6]))
open(sys.argv[3], "wb").write(header + b"".join(records[6:]))
PY
"$tlsdiag" analyze -q -f json "$rot" > "$work/split.json" || [ $? -eq 1 ]
"$tlsdiag" analyze -q -f json --merge-rotated "$rot" > "$work/merged.json"
python3 - "$work/split.json" "$work/merged.json" <<'PY'
import json, sys
split, merged = (json.load(open(p)) for p in sys.argv[1:3])
assert len(split["inputs"]) == 2 and len(split["flows"]) == 2, "split: want two inputs, two flows"
assert not any(f["established"] for f in split["flows"]), "split: a half was established"
assert len(merged["inputs"]) == 1 and merged["inputs"][0]["path"].endswith("/trace.pcap")
assert len(merged["flows"]) == 1 and merged["flows"][0]["established"], "merged: want one established flow"
PY
echo "batch_cli: ok"
