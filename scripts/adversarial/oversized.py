#!/usr/bin/env python3
"""Length fields past the limits, FLOWS flows of each kind (round robin), then real handshakes:

  record      the client's first record header says 2^14+2048+1 = 18433 bytes (one over the
              RFC 8446 §5.2 ciphertext limit tlsdiag checks) and carries a real ClientHello padded
              to that length; the server answers a record_overflow alert (22) and closes.
  hs-client   a 16 KiB handshake record whose ClientHello header announces 2^24-1 bytes; the
              server answers decode_error (50) and closes.
  hs-server   a real ClientHello; the server's first record (16 KiB) holds a ServerHello header
              announcing 2^24-1 bytes; the client answers decode_error (50) and closes.

Addresses 10.5.x.y -> 203.0.113.5:443. Writes OUT.pcap and OUT.json (ground truth).

  oversized.py OUT.pcap [--flows N] [--kinds record,hs-client,hs-server]
"""

import argparse
import os
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaplib  # noqa: E402
from ooo import first_client_payload  # noqa: E402

SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples")
KINDS = ["record", "hs-client", "hs-server"]


def alert(desc):
    return struct.pack("!BHHBB", 21, 0x0303, 2, 2, desc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--flows", type=int, default=5_000, help="flows of each kind")
    ap.add_argument("--kinds", default=",".join(KINDS))
    a = ap.parse_args()
    kinds = a.kinds.split(",")
    for k in kinds:
        if k not in KINDS:
            sys.exit(f"unknown kind {k}")
    hello = first_client_payload(pcaplib.read_pcap(os.path.join(SAMPLES, "tls12-ok-openssl.pcap")))
    hello_msg = hello[5:]  # the sample's ClientHello record holds exactly the one message
    big = (1 << 14) + 2048 + 1
    payloads = {
        "record": struct.pack("!BHH", 22, 0x0301, big) + (hello_msg + bytes(big))[:big],
        "hs-client": struct.pack("!BHH", 22, 0x0301, 16384) + b"\x01\xff\xff\xff" +
                     (hello_msg[4:] + b"\xff" * 16384)[:16380],
        "hs-server": struct.pack("!BHH", 22, 0x0303, 16384) + b"\x02\xff\xff\xff" +
                     (struct.pack("!H", 0x0303) + bytes(32) + b"\xff" * 16384)[:16380],
    }
    w = pcaplib.PcapWriter(a.out)
    sip = pcaplib.ip("203.0.113.5")
    truth_flows = []
    for i in range(a.flows * len(kinds)):
        kind = kinds[i % len(kinds)]
        cip_text = f"10.5.{i // 250 % 256}.{1 + i % 250}"
        cport = 40000 + i // (250 * 256)
        c = pcaplib.Conn(w, pcaplib.ip(cip_text), cport, sip, 443, cisn=i * 7919, sisn=i * 104729)
        c.handshake()
        if kind == "hs-server":
            c.client(hello)
            c.server(payloads[kind])
            c.client(alert(50))
        else:
            c.client(payloads[kind])
            c.server(alert(22 if kind == "record" else 50))
        c.fin()
        w.tick(10)
        if i < len(kinds):
            truth_flows.append({"client": {"ip": cip_text, "port": cport},
                                "server": {"ip": "203.0.113.5", "port": 443}, "what": kind,
                                "expect": {"status": "failed"}})
    w.tick(1000)
    real = pcaplib.RealHandshakes(SAMPLES)
    real.embed(w, "after")
    w.close()
    n = a.flows * len(kinds)
    n_real = len(real.copies)
    truth = {
        "workload": "oversized",
        "description": f"{n:,} flows: record length 18433, ClientHello length 2^24-1, ServerHello length "
                       f"2^24-1 ({a.flows:,} each, all answered by a fatal alert); then {n_real} real TLS "
                       f"handshakes, established",
        "generator": {"flows": a.flows, "kinds": kinds},
        "packets": w.packets,
        "bytes": w.size(),
        "flows_seen": n + n_real,
        "flows_evicted_range": [0, 0],
        "flows_reported": n + n_real,
        "summary": {"flows": n + n_real, "established": n_real, "ok": n_real, "failed": n},
        "exit_status": [1],
        "flows": real.copies + truth_flows,
    }
    pcaplib.write_truth(a.out, truth)


if __name__ == "__main__":
    main()
