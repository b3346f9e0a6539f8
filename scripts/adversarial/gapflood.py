#!/usr/bin/env python3
"""One flow full of holes: (10.6.0.1:40000 -> 203.0.113.6:443) SYN, SYN-ACK, ACK, a real
ClientHello record (samples/tls12-ok-openssl.pcap), then HOLES handshake records of one payload
byte, each followed by a one-byte hole in the sequence space; the server ACKs the end. The TLS
parser stays in handshake mode (handshake records do not count toward the encrypted records it
keeps), so every hole is a gap the reassembler declares and the analysis sees. Then copies of
samples/tls12-ok-openssl.pcap and samples/tls13-ok-openssl.pcap.
Writes OUT.pcap and OUT.json (ground truth).

  gapflood.py OUT.pcap [--holes N]
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--holes", type=int, default=1_000_000)
    a = ap.parse_args()
    hello = first_client_payload(pcaplib.read_pcap(os.path.join(SAMPLES, "tls12-ok-openssl.pcap")))
    w = pcaplib.PcapWriter(a.out)
    c = pcaplib.Conn(w, pcaplib.ip("10.6.0.1"), 40000, pcaplib.ip("203.0.113.6"), 443)
    c.handshake()
    c.client(hello)
    rec = struct.pack("!BHHB", 22, 0x0303, 1, 0x00)
    for _ in range(a.holes):
        c.client(rec)
        c.cseq += 1  # the hole
    c.server_ack()
    w.tick(1000)
    real = pcaplib.RealHandshakes(SAMPLES)
    real.embed(w, "after")
    w.close()
    n_real = len(real.copies)
    sent = len(hello) + a.holes * len(rec)
    truth = {
        "workload": "gapflood",
        "description": f"1 flow: a ClientHello then {a.holes:,} one-byte handshake records each followed by a "
                       f"one-byte hole ({a.holes:,} gaps); then {n_real} real TLS handshakes, established",
        "generator": {"holes": a.holes},
        "packets": w.packets,
        "bytes": w.size(),
        "flows_seen": 1 + n_real,
        "flows_evicted_range": [0, 0],
        "flows_reported": 1 + n_real,
        "summary": {"flows": 1 + n_real, "established": n_real, "ok": n_real},
        "exit_status": [0, 1],
        "flows": real.copies + [{
            "client": {"ip": "10.6.0.1", "port": 40000},
            "server": {"ip": "203.0.113.6", "port": 443},
            "what": f"{a.holes:,} one-byte holes",
            "expect": {"client_hello": True, "tcp": {"gaps": a.holes, "gap_bytes": a.holes,
                                                     "client_bytes": sent}},
        }],
    }
    pcaplib.write_truth(a.out, truth)


if __name__ == "__main__":
    main()
