#!/usr/bin/env bash
# replay_bench: how fast `tlsdiag live -i lo` keeps up with a replayed workload (not a ctest).
#
#   tests/live/replay_bench.sh TLSDIAG WORKLOAD.pcap [tcpreplay rate option] [tlsdiag options...]
#   tests/live/replay_bench.sh build-rel/tlsdiag /work/bench-data/w100/workload.pcap --topspeed
#   tests/live/replay_bench.sh build-rel/tlsdiag /work/bench-data/w100/workload.pcap --pps=100000 -B 64
#
# Rewrites every address of the workload into 127.0.0.0/8 (tcprewrite --pnat; the result is
# cached in ${REPLAY_CACHE:-/tmp/tlsdiag-replay} and checked to hold nothing else), and replays it with
# tcpreplay ONLY inside a private network namespace (unshare -n) onto its own loopback, where
# nothing can leave. The destination MAC is set to 02:00:00:00:00:01, which is not loopback's
# (00:00:00:00:00:00): the kernel then drops the frames before IP instead of answering them with
# RSTs, while packet sockets still see them. Prints tcpreplay's rate and tlsdiag's summary:
# packets decoded, flows by reason, kernel received/dropped. Needs root, tcpreplay, tcprewrite.
set -euo pipefail
tlsdiag=$(realpath "${1:?usage: replay_bench.sh TLSDIAG WORKLOAD.pcap [RATE] [tlsdiag options...]}")
workload=$(realpath "${2:?workload pcap}")
rate=${3:---topspeed}
shift 3 2>/dev/null || shift $#
extra=("$@")

if [[ ${REPLAY_BENCH_INSIDE:-} != 1 ]]; then
  cache=${REPLAY_CACHE:-/tmp/tlsdiag-replay}
  mkdir -p "$cache"
  lo_pcap=$cache/$(basename "$(dirname "$workload")")-$(basename "$workload" .pcap)-lo.pcap
  if [[ ! -s $lo_pcap ]]; then
    tcprewrite --pnat=0.0.0.0/0:127.0.0.0/8 --enet-dmac=02:00:00:00:00:01 \
      --enet-smac=02:00:00:00:00:02 --fixcsum -i "$workload" -o "$lo_pcap"
  fi
  outside=$(tcpdump -nr "$lo_pcap" 'not (src net 127.0.0.0/8 and dst net 127.0.0.0/8)' 2>/dev/null | wc -l)
  [[ $outside -eq 0 ]] || { echo "$lo_pcap: $outside packets outside 127.0.0.0/8; not replaying" >&2; exit 1; }
  exec env REPLAY_BENCH_INSIDE=1 LO_PCAP="$lo_pcap" unshare -n bash "$0" "$tlsdiag" "$workload" "$rate" "${extra[@]}"
fi

ip link set lo up
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$tlsdiag" live -i lo --format jsonl --all --output "$out/live.jsonl" --stats-interval 1 "${extra[@]}" 2>"$out/err" &
live=$!
for _ in $(seq 50); do grep -q "listening on" "$out/err" && break; sleep 0.1; done
tcpreplay "$rate" -i lo "$LO_PCAP" 2>&1 | grep -E "Actual|Rated|Flows|Failed|Successful"
sleep 3
kill -INT "$live"
wait "$live"
python3 - "$out/live.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
s = lines[-1]
stats = [l for l in lines if l["type"] == "stats"]
k = stats[-1]["kernel"] if stats else {}
print(f"tlsdiag: packets decoded {s['packets']}, flows {s['flows']} (ok {s['ok']}, failed {s['failed']}, "
      f"incomplete {s['incomplete']}), by_reason {s['by_reason']}")
print(f"kernel: received {k.get('received')}, dropped {k.get('dropped')}, if_dropped {k.get('if_dropped')}")
print("packets per stats interval:", [l["packets"] for l in stats if l["packets"]])
PY
