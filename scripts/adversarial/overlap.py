#!/usr/bin/env python3
"""Overlapping retransmissions with conflicting bytes on TLS streams.

FLOWS copies of samples/tls12-ok-openssl.pcap (or tls13, alternately), re-addressed
(10.4.x.y -> 198.51.100.9), in which every data segment of both directions is sent as five:

  1. its second half, out of order (held by the reassembler);
  2. a copy of that second half with different bytes, same sequence numbers: it overlaps the
     held copy and conflicts with every byte of it (counted; the first copy wins);
  3. the original first half (now the held second half is delivered too);
  4. a copy of the whole segment with different bytes starting 1 byte earlier (overlapping the
     previous segment): all of it already delivered, a retransmission;
  5. the original whole segment again (a plain retransmission).

The original bytes always arrive first: every copy's verdict must be the sample's (ok,
established) and its tcp.overlap_conflicts > 0.

Plus one "garbage first" flow: the conflicting second half of the ClientHello segment arrives
before the original (first copy wins: the garbage is kept). Its verdict is not asserted, only
that it is reported, with overlap_conflicts > 0.

Writes OUT.pcap and OUT.json (ground truth).

  overlap.py OUT.pcap [--flows N] [--seed S]
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


def split(frame):
    """(headers, seq, payload) of an Ethernet/IPv4/TCP frame."""
    ihl = (frame[14] & 0x0F) * 4
    t = 14 + ihl
    doff = (frame[t + 12] >> 4) * 4
    total = struct.unpack("!H", frame[16:18])[0]
    hdr = frame[:t + doff]
    payload = frame[t + doff:14 + total]
    seq = struct.unpack("!I", frame[t + 4:t + 8])[0]
    return hdr, seq, payload, t


def rebuild(hdr, t, seq, payload):
    fr = bytearray(hdr)
    struct.pack_into("!I", fr, t + 4, seq & 0xFFFFFFFF)
    struct.pack_into("!H", fr, 16, len(hdr) - 14 + len(payload))
    fr[24:26] = b"\0\0"
    s = sum(struct.unpack("!%dH" % ((t - 14) // 2), bytes(fr[14:t])))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    struct.pack_into("!H", fr, 24, ~s & 0xFFFF)
    return bytes(fr) + payload


def garble(b, rng):
    """Same length, every byte different."""
    return bytes((x + 1 + rng.randrange(255)) & 0xFF for x in b)


def hostile_copy(frames, rng, garbage_first=False):
    """The sample's frames with each data segment replaced by the overlapping sequence above."""
    out = []
    first_data = True
    for fr in frames:
        hdr, seq, payload, t = split(fr)
        if len(payload) < 4:
            out.append(fr)
            continue
        h = len(payload) // 2
        first, second = payload[:h], payload[h:]
        bad_second = garble(second, rng)
        if garbage_first and first_data:
            out.append(rebuild(hdr, t, seq + h, bad_second))
            out.append(rebuild(hdr, t, seq + h, second))
        else:
            out.append(rebuild(hdr, t, seq + h, second))
            out.append(rebuild(hdr, t, seq + h, bad_second))
        out.append(rebuild(hdr, t, seq, first))
        out.append(rebuild(hdr, t, seq - 1, garble(payload, rng)[:len(payload)]))
        out.append(rebuild(hdr, t, seq, payload))
        first_data = False
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--flows", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=4)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    samples = [(name, pcaplib.read_pcap(os.path.join(SAMPLES, name + ".pcap")))
               for name in ("tls12-ok-openssl", "tls13-ok-openssl")]
    w = pcaplib.PcapWriter(a.out)
    sip = pcaplib.ip("198.51.100.9")
    truth_flows = []
    # Distinct garbage per copy would make generation slow: 16 variants per sample, reused.
    variants = {}
    for i in range(a.flows + 1):
        name, pkts = samples[i % 2]
        garbage_first = i == a.flows
        key = (name, garbage_first, i % 16)
        cip_text = f"10.4.{i // 250}.{1 + i % 250}"
        frames = pcaplib.readdress(pkts, pcaplib.ip(cip_text), sip)
        if key not in variants or garbage_first:
            variants[key] = hostile_copy(frames, rng, garbage_first)
        base = variants[key]
        if i >= 16:  # re-address a cached variant (the addresses sit at fixed offsets)
            base = pcaplib.readdress([(0, fr) for fr in base], pcaplib.ip(cip_text), sip)
        for fr in base:
            w.raw(fr)
            w.tick()
        w.tick(100)
        cport = None
        for _, fr in pkts:
            t = 14 + (fr[14] & 0x0F) * 4
            if fr[t + 13] & pcaplib.SYN and not fr[t + 13] & pcaplib.ACK:
                cport, dport = struct.unpack("!HH", fr[t:t + 4])
                break
        entry = {"client": {"ip": cip_text, "port": cport}, "server": {"ip": "198.51.100.9", "port": dport},
                 "sample": name}
        if garbage_first:
            entry["what"] = "garbage first: the conflicting copy of the ClientHello's second half arrives first"
            entry["expect"] = {"tcp_min": {"overlap_conflicts": 1}}
        else:
            entry["expect"] = {"status": "ok", "reason": "ok", "established": True,
                               "tcp_min": {"overlap_conflicts": 1}}
        if i < 2 or garbage_first:
            truth_flows.append(entry)  # the others are counted through the summary
    w.close()
    n = a.flows + 1
    truth = {
        "workload": "overlap",
        "description": f"{a.flows:,} real handshakes (tls12/tls13 alternately) whose every data segment is "
                       f"split, reordered and overlapped by conflicting copies (first copy = original) + "
                       f"1 flow where the conflicting copy comes first; {a.flows:,} established",
        "generator": {"flows": a.flows, "seed": a.seed},
        "packets": w.packets,
        "bytes": w.size(),
        "flows_seen": n,
        "flows_evicted_range": [0, 0],
        "flows_reported": n,
        "summary_min": {"established": a.flows, "ok": a.flows},
        "summary": {"flows": n},
        "exit_status": [0, 1],
        "flows": truth_flows,
    }
    pcaplib.write_truth(a.out, truth)


if __name__ == "__main__":
    main()
