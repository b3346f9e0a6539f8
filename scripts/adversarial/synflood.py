#!/usr/bin/env python3
"""SYN flood: FLOWS distinct connections that only ever send a SYN (random addresses in
10.0.0.0/8 and random ports -> 203.0.113.1:443), with the real handshakes of
samples/tls12-ok-openssl.pcap and samples/tls13-ok-openssl.pcap embedded in the middle and at the
end (re-addressed, timestamps shifted). Writes OUT.pcap and OUT.json (ground truth).

  synflood.py OUT.pcap [--flows N] [--seed S] [--max-flows CAP]

--max-flows is the flow table cap tlsdiag will run with: it only goes into the ground truth
(how many evictions to expect).
"""

import argparse
import math
import os
import random
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaplib  # noqa: E402

SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--flows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-flows", type=int, default=1_000_000)
    a = ap.parse_args()
    rng = random.Random(a.seed)

    # Distinct (address, port) pairs without a set: a bijection of [0, M) (M = 2^24 addresses x
    # 64512 ports >= 1024), i -> (i * A + B) mod M with A coprime to M.
    m = (1 << 24) * 64512
    mult = 0x9E3779B97F4A7C15 % m
    while math.gcd(mult, m) != 1:
        mult += 1
    add = rng.randrange(m)

    w = pcaplib.PcapWriter(a.out)
    real = pcaplib.RealHandshakes(SAMPLES)
    server = pcaplib.ip("203.0.113.1")
    # The SYN frame is constant but for the IP id/checksum, source address, port and ISN: build
    # it once and patch it (pcaplib.PcapWriter.tcp per packet is 3x slower).
    eth = bytes(6) + bytes.fromhex("020000000001") + b"\x08\x00"
    iph = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0, 0x4000, 64, 6, 0, bytes(4), server))
    tcph = bytearray(struct.pack("!HHIIBBHHH", 0, 443, 0, 0, 5 << 4, pcaplib.SYN, 64240, 0, 0))
    rec = struct.Struct("<IIII")
    f = w.f
    half = a.flows // 2
    for i in range(a.flows):
        if i == half:
            real.embed(w, "middle")
        k = (i * mult + add) % m
        addr = (10 << 24) | (k // 64512)
        port = 1024 + k % 64512
        struct.pack_into("!H", iph, 4, i & 0xFFFF)
        struct.pack_into("!I", iph, 12, addr)
        iph[10:12] = b"\0\0"
        s = sum(struct.unpack("!10H", iph))
        s = (s & 0xFFFF) + (s >> 16)
        s = (s & 0xFFFF) + (s >> 16)
        struct.pack_into("!H", iph, 10, ~s & 0xFFFF)
        struct.pack_into("!H", tcph, 0, port)
        struct.pack_into("!I", tcph, 4, rng.getrandbits(32))
        ts = w.ts_us
        f.write(rec.pack(ts // 1_000_000, ts % 1_000_000, 54, 54))
        f.write(eth)
        f.write(iph)
        f.write(tcph)
        w.packets += 1
        w.ts_us += 1
    real.embed(w, "end")
    w.close()

    n_real = len(real.copies)
    seen = a.flows + n_real
    # Every SYN-only flow stays open until the end of the capture; each real connection opens
    # (evicting one SYN flow when the table is full) and closes with FINs, freeing its slot.
    lo = max(0, seen - a.max_flows - n_real)
    hi = max(0, seen - a.max_flows)
    truth = {
        "workload": "synflood",
        "description": f"{a.flows:,} SYN-only flows (10.0.0.0/8 -> 203.0.113.1:443) + {n_real} real "
                       f"TLS handshakes (middle and end); {seen:,} flows seen, {n_real} TLS flows, all established",
        "generator": {"flows": a.flows, "seed": a.seed, "max_flows": a.max_flows},
        "packets": w.packets,
        "bytes": w.size(),
        "flows_seen": seen,
        "flows_evicted_range": [lo, hi],
        "flows_reported": n_real,
        "flows_without_payload": a.flows,
        "syn_only_flows": a.flows,
        "flows_not_tls": 0,
        "summary": {"flows": n_real, "ok": n_real, "established": n_real, "failed": 0, "incomplete": 0},
        "exit_status": [0],
        "flows": real.copies,
    }
    pcaplib.write_truth(a.out, truth)


if __name__ == "__main__":
    main()
