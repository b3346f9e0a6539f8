#!/usr/bin/env python3
"""ClientHellos that never end. Two modes:

  neverending.py OUT.pcap endless [--mbytes M] [--mss S]
      One flow (10.2.0.1:40000 -> 203.0.113.3:443): a handshake record whose ClientHello header
      announces 2^24-1 bytes, then handshake records (16 KiB of 0xff each, so every later
      "message header" announces type 255, 2^24-1 bytes too) until M MB of client bytes were sent,
      in S-byte segments, the server ACKing every 64 KiB. No FIN.

  neverending.py OUT.pcap halfway [--flows F] [--announce N]
      F flows (10.3.x.y:40000 -> 203.0.113.4:443) each sending a ClientHello whose header
      announces N bytes (default 256 KiB - 1, just under tlsdiag's 256 KiB message cap) and
      stopping half way; the flows take turns, one 16 KiB record each per round, so every one of
      them holds a half-assembled message at once (memory per flow). No FIN: the flows end with
      the capture.

Both end with copies of samples/tls12-ok-openssl.pcap and samples/tls13-ok-openssl.pcap.
Writes OUT.pcap and OUT.json (ground truth).
"""

import argparse
import os
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaplib  # noqa: E402

SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples")
REC = 16384


def hs_record(payload):
    return struct.pack("!BHH", 22, 0x0301, len(payload)) + payload


def hello_start(announce, body_len):
    """First record payload: ClientHello header announcing `announce`, then the start of a
    plausible body (legacy_version, random), padded with 0xff to body_len bytes."""
    body = struct.pack("!H", 0x0303) + bytes(range(32))
    return struct.pack("!B", 1) + announce.to_bytes(3, "big") + (body + b"\xff" * body_len)[:body_len]


def endless(a, w):
    c = pcaplib.Conn(w, pcaplib.ip("10.2.0.1"), 40000, pcaplib.ip("203.0.113.3"), 443)
    c.handshake()
    total = a.mbytes * 1_000_000
    # The client stream, built record by record and cut into MSS-sized segments.
    first = hs_record(hello_start((1 << 24) - 1, REC - 4))
    rest = hs_record(b"\xff" * REC)
    sent, pending, since_ack = 0, bytearray(), 0
    record = first
    while sent < total:
        while len(pending) < a.mss:
            pending += record
            record = rest
        seg = bytes(pending[:min(a.mss, total - sent)])
        del pending[:len(seg)]
        c.client(seg)
        sent += len(seg)
        since_ack += len(seg)
        if since_ack >= 65536:
            c.server_ack()
            since_ack = 0
    c.server_ack()
    return [{
        "client": {"ip": "10.2.0.1", "port": 40000},
        "server": {"ip": "203.0.113.3", "port": 443},
        "what": f"ClientHello announcing 2^24-1 bytes, then {sent:,} client bytes of handshake records",
        "expect": {"tcp": {"client_bytes": sent, "gaps": 0}, "notes_match": "oversized|2\\^24|16777215"},
    }], 1


def halfway(a, w):
    conns = []
    for i in range(a.flows):
        cip = pcaplib.ip(f"10.3.{i // 250}.{1 + i % 250}")
        c = pcaplib.Conn(w, cip, 40000, pcaplib.ip("203.0.113.4"), 443, cisn=1000 + i, sisn=9000 + i)
        c.handshake()
        conns.append(c)
    half = (a.announce + 4) // 2  # handshake bytes each flow sends
    first = hs_record(hello_start(a.announce, REC - 4))
    rest = hs_record(b"\xff" * REC)
    sent = 0
    while sent < half:
        n = min(REC, half - sent)
        rec = first[:5 + n] if sent == 0 else rest[:5 + n]
        if n < REC:
            rec = struct.pack("!BHH", 22, 0x0301, n) + rec[5:]
        for c in conns:
            c.client(rec)
        sent += n
    for c in conns:
        c.server_ack()
    flows = [{
        "client": {"ip": "10.3.0.1", "port": 40000},
        "server": {"ip": "203.0.113.4", "port": 443},
        "what": f"one of {a.flows:,}: ClientHello announcing {a.announce:,} bytes, {half:,} sent",
        "expect": {"status": "incomplete", "tcp": {"gaps": 0}},
    }]
    return flows, a.flows, half


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("mode", choices=["endless", "halfway"])
    ap.add_argument("--mbytes", type=int, default=50)
    ap.add_argument("--mss", type=int, default=1448)
    ap.add_argument("--flows", type=int, default=10_000)
    ap.add_argument("--announce", type=int, default=256 * 1024 - 1)
    a = ap.parse_args()
    w = pcaplib.PcapWriter(a.out)
    if a.mode == "endless":
        hostile, n = endless(a, w)
        gen = {"mode": "endless", "mbytes": a.mbytes, "mss": a.mss}
        desc = f"1 flow whose ClientHello announces 2^24-1 bytes and sends {a.mbytes} MB of handshake records"
        held = 0
    else:
        hostile, n, held = halfway(a, w)
        gen = {"mode": "halfway", "flows": a.flows, "announce": a.announce}
        desc = (f"{a.flows:,} flows, each a ClientHello announcing {a.announce:,} bytes stopped after "
                f"{held:,}: at least {a.flows * held / 2**20:,.0f} MiB of partial messages held at once")
    w.tick(1000)
    real = pcaplib.RealHandshakes(SAMPLES)
    real.embed(w, "after")
    w.close()
    n_real = len(real.copies)
    truth = {
        "workload": "neverending-" + a.mode,
        "description": desc + f"; then {n_real} real TLS handshakes, established",
        "generator": gen,
        "packets": w.packets,
        "bytes": w.size(),
        "flows_seen": n + n_real,
        # halfway: the partial hellos outgrow the default --memory-limit (1 GiB): the oldest
        # flows are evicted (judged and reported early), never lost.
        "flows_evicted_range": [0, n if a.mode == "halfway" else 0],
        "flows_reported": n + n_real,
        "summary": {"flows": n + n_real, "established": n_real, "ok": n_real},
        "exit_status": [0, 1],
        "partial_bytes_held": n * held,
        "flows": real.copies + hostile,
    }
    pcaplib.write_truth(a.out, truth)


if __name__ == "__main__":
    main()
