#!/usr/bin/env python3
"""One flow with SEGMENTS tiny out-of-order segments, then real handshakes.

The hostile flow (10.1.1.1:40000 -> 203.0.113.2:443): SYN, SYN-ACK, ACK, then a client byte
stream of SEGMENTS bytes (a real ClientHello record, from samples/tls12-ok-openssl.pcap, followed
by application_data records) sent as one-byte segments in the given order:

  reverse       last byte first
  shuffle       a seeded random permutation of the whole stream
  window:W      shuffled within consecutive windows of W bytes (W below tlsdiag's 4096
                out-of-order segment cap: everything must reassemble, no gap, ClientHello seen)
  sparse        in order, but only every other byte: SEGMENTS one-byte holes (the stream is
                2 x SEGMENTS bytes long), each a gap

then the server ACKs the whole stream and nothing more (no FIN: the flow ends with the capture).
After it, copies of samples/tls12-ok-openssl.pcap and samples/tls13-ok-openssl.pcap.
Writes OUT.pcap and OUT.json (ground truth).

  ooo.py OUT.pcap [--segments N] [--order reverse|shuffle|window:W] [--seed S]
"""

import argparse
import os
import random
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaplib  # noqa: E402

SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples")


def first_client_payload(frames):
    """The first client data of a sample conversation: its ClientHello record(s)."""
    cport = None
    for _, fr in frames:
        t = 14 + (fr[14] & 0x0F) * 4
        flags = fr[t + 13]
        sport = struct.unpack("!H", fr[t:t + 2])[0]
        if flags & pcaplib.SYN and not flags & pcaplib.ACK:
            cport = sport
        payload = fr[t + (fr[t + 12] >> 4) * 4:]
        total = struct.unpack("!H", fr[16:18])[0]
        payload = payload[:total - (t - 14) - (fr[t + 12] >> 4) * 4]
        if sport == cport and payload:
            return payload
    raise ValueError("no client payload")


def build_stream(n, rng):
    """n bytes: a real ClientHello record, then application_data records (<= 16 KiB)."""
    hello = first_client_payload(pcaplib.read_pcap(os.path.join(SAMPLES, "tls12-ok-openssl.pcap")))
    out = bytearray(hello)
    filler = rng.randbytes(16384)
    while len(out) < n:
        left = n - len(out)
        if left < 6:  # too short for a record: give the bytes to the previous one... or pad
            out += b"\0" * left
            break
        length = min(16384, left - 5)
        if 0 < left - 5 - length < 6:
            length -= 6
        out += struct.pack("!BHH", 23, 0x0303, length) + filler[:length]
    return bytes(out[:n]), len(hello)


def order_of(n, order, rng):
    if order == "reverse":
        return range(n - 1, -1, -1), 0
    if order == "shuffle":
        idx = list(range(n))
        rng.shuffle(idx)
        return idx, 0
    if order == "sparse":
        return range(0, n, 2), 0
    if order.startswith("window:"):
        win = int(order.split(":", 1)[1])
        idx = []
        for start in range(0, n, win):
            part = list(range(start, min(n, start + win)))
            rng.shuffle(part)
            idx.extend(part)
        return idx, win
    raise SystemExit(f"unknown order {order}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--segments", type=int, default=1_000_000)
    ap.add_argument("--order", default="shuffle")
    ap.add_argument("--seed", type=int, default=2)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    stream, hello_len = build_stream(a.segments * (2 if a.order == "sparse" else 1), rng)
    order, window = order_of(len(stream), a.order, rng)

    w = pcaplib.PcapWriter(a.out)
    cip, sip = pcaplib.ip("10.1.1.1"), pcaplib.ip("203.0.113.2")
    c = pcaplib.Conn(w, cip, 40000, sip, 443, cisn=0xFFFF0000, sisn=77)  # wraps mid-stream
    c.handshake()
    # Build the one-byte segment once and patch seq, payload byte and IP id/checksum.
    eth = bytes(6) + bytes.fromhex("020000000001") + b"\x08\x00"
    iph = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 41, 0, 0x4000, 64, 6, 0, cip, sip))
    tcph = bytearray(struct.pack("!HHIIBBHHH", 40000, 443, 0, c.sseq, 5 << 4,
                                 pcaplib.ACK | pcaplib.PSH, 65535, 0, 0))
    rec = struct.Struct("<IIII")
    f = w.f
    base = c.cseq
    for k, off in enumerate(order):
        struct.pack_into("!H", iph, 4, k & 0xFFFF)
        iph[10:12] = b"\0\0"
        s = sum(struct.unpack("!10H", iph))
        s = (s & 0xFFFF) + (s >> 16)
        s = (s & 0xFFFF) + (s >> 16)
        struct.pack_into("!H", iph, 10, ~s & 0xFFFF)
        struct.pack_into("!I", tcph, 4, (base + off) & 0xFFFFFFFF)
        ts = w.ts_us
        f.write(rec.pack(ts // 1_000_000, ts % 1_000_000, 55, 55))
        f.write(eth)
        f.write(iph)
        f.write(tcph)
        f.write(stream[off:off + 1])
        w.packets += 1
        w.ts_us += 1
    c.cseq += len(stream)
    c.server_ack()
    w.tick(1000)
    real = pcaplib.RealHandshakes(SAMPLES)
    real.embed(w, "after")
    w.close()

    hostile = {
        "client": {"ip": "10.1.1.1", "port": 40000},
        "server": {"ip": "203.0.113.2", "port": 443},
        "what": f"{len(stream):,} one-byte segments, order {a.order}",
    }
    if window and window < 4096:
        # Under the out-of-order cap: the stream reassembles whole.
        hostile["expect"] = {"client_hello": True, "tcp": {"gaps": 0, "buffer_cap_hit": False,
                                                           "client_bytes": len(stream)}}
        reported = 1 + len(real.copies)
    else:
        # Over the cap: the stream is given up on in places (gaps); the flow may or may not still
        # be recognised as TLS, but if it is reported the cap must show.
        hostile["expect_if_reported"] = {"tcp": {"buffer_cap_hit": True}}
        reported = None
    n_real = len(real.copies)
    truth = {
        "workload": "ooo",
        "description": f"1 flow of {len(stream):,} one-byte segments ({a.order}), then {n_real} real "
                       f"TLS handshakes; {1 + n_real} flows seen, the real ones established",
        "generator": {"segments": a.segments, "order": a.order, "seed": a.seed, "hello_bytes": hello_len},
        "packets": w.packets,
        "bytes": w.size(),
        "flows_seen": 1 + n_real,
        "flows_evicted_range": [0, 0],
        "exit_status": [0, 1],
        "flows": real.copies + [hostile],
    }
    if reported is not None:
        truth["flows_reported"] = reported
    pcaplib.write_truth(a.out, truth)


if __name__ == "__main__":
    main()
