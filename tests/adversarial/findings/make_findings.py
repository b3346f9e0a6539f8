#!/usr/bin/env python3
"""Regenerates the minimized captures of the hostile-input findings (see README.md here):

  make_findings.py [DIR] [--scale K]

Deterministic; standard library only (scripts/adversarial/pcaplib.py). --scale multiplies the
flow/segment counts, to watch a cost grow linearly (the files here are --scale 1).
"""

import argparse
import gzip
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ADV = os.path.join(HERE, "..", "..", "..", "scripts", "adversarial")
sys.dont_write_bytecode = True
sys.path.insert(0, ADV)
import pcaplib  # noqa: E402
from ooo import first_client_payload  # noqa: E402

SAMPLES = os.path.join(ADV, "..", "..", "samples")
HELLO = None


def hello_record():
    global HELLO
    if HELLO is None:
        HELLO = first_client_payload(pcaplib.read_pcap(os.path.join(SAMPLES, "tls12-ok-openssl.pcap")))
    return HELLO


def gen(script, *args):
    subprocess.run([sys.executable, os.path.join(ADV, script)] + [str(a) for a in args], check=True)


def notes_flood(path, holes):
    """One flow: a ClientHello record, then `holes` handshake records of 1 payload byte, each
    followed by a 1-byte hole: one gap, and one note, per hole (scripts/adversarial/gapflood.py)."""
    gen("gapflood.py", path, "--holes", holes)


def reorder_after_parser_stops(path):
    """One flow: ClientHello, 17 application_data records in order (the dissector stops parsing
    after 16), then two 100-byte segments swapped. Expected client_bytes = every payload byte;
    tlsdiag counts the second-sent one (the lower offset) as retransmitted."""
    w = pcaplib.PcapWriter(path)
    c = pcaplib.Conn(w, pcaplib.ip("10.6.0.2"), 40001, pcaplib.ip("203.0.113.6"), 443)
    c.handshake()
    c.client(hello_record())
    total = len(hello_record())
    for _ in range(17):
        r = struct.pack("!BHH", 23, 0x0303, 32) + bytes(32)
        c.client(r)
        total += len(r)
    data = struct.pack("!BHH", 23, 0x0303, 195) + bytes(195)
    a, b = data[:100], data[100:]
    seq = c.cseq
    c.cseq = seq + 100
    c.client(b)
    c.cseq = seq
    c.client(a)
    c.cseq = seq + 200
    total += 200
    c.server_ack()
    w.close()
    return total


def cap_gap_labelled_not_captured(path):
    """One flow: SYN, SYN-ACK, ACK and a 4,200-byte ClientHello-led stream sent as one-byte
    segments in reverse order: every byte is captured, but the 4,096 out-of-order segment cap
    gives up on the start. Reported: capture_truncated, '... missing from the client stream
    (not captured)'."""
    gen("ooo.py", path, "--segments", 4200, "--order", "reverse")


def conflicting_retransmission(path):
    """One flow: a ClientHello delivered in order, then a retransmission of it whose second half
    differs in every byte; the server only ACKs. Was: a plain retransmission (overlap_conflicts 0,
    no note): only copies of bytes held out of order were compared."""
    w = pcaplib.PcapWriter(path)
    c = pcaplib.Conn(w, pcaplib.ip("10.7.0.2"), 40002, pcaplib.ip("203.0.113.7"), 443)
    c.handshake()
    hello = hello_record()
    c.client(hello)
    h = len(hello) // 2
    c.cseq -= len(hello)
    c.client(hello[:h] + bytes((b + 1) & 0xFF for b in hello[h:]))
    c.server_ack()
    w.close()
    return len(hello)


def record_over_limit(path):
    """One flow: the client's record header says 18,433 bytes (2^14+2048+1), with a real
    ClientHello inside; the server answers record_overflow (22). Reported: plaintext_to_tls_port,
    no note about the over-long record."""
    gen("oversized.py", path, "--flows", 1, "--kinds", "record")


def event_flood(path, n):
    """One flow whose per-event lists a peer controls: n SYNs (one retransmitted n times), the
    SYN-ACK and ACK, a ClientHello, n warning alerts from the server (unrecognized_name, 100
    records a segment), its fatal handshake_failure, a server RST. Was (finding 9): every SYN, alert
    and history letter kept, so one flow grows without bound (and is never evicted: it is the
    flow that just sent)."""
    w = pcaplib.PcapWriter(path)
    c = pcaplib.Conn(w, pcaplib.ip("10.9.0.2"), 40009, pcaplib.ip("203.0.113.9"), 443)
    for _ in range(n - 1):
        w.tcp(c.cip, c.sip, c.cport, c.sport, c.cseq, 0, pcaplib.SYN)
        w.tick()
    c.handshake()
    c.client(hello_record())
    warning = struct.pack("!BHHBB", 21, 0x0303, 2, 1, 112)
    for at in range(0, n, 100):
        c.server(warning * min(100, n - at))
    c.server(struct.pack("!BHHBB", 21, 0x0303, 2, 2, 40))
    w.tcp(c.sip, c.cip, c.sport, c.cport, c.sseq, c.cseq, pcaplib.RST | pcaplib.ACK)
    w.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=HERE)
    ap.add_argument("--scale", type=int, default=1)
    a = ap.parse_args()
    d, k = a.dir, a.scale
    os.makedirs(d, exist_ok=True)
    gen("synflood.py", os.path.join(d, "synflood-syn-only-flows.pcap"), "--flows", 10_000 * k)
    half = os.path.join(d, "halfway-hellos-no-total-budget.pcap")
    gen("neverending.py", half, "halfway", "--flows", 20 * k)
    with open(half, "rb") as src, gzip.GzipFile(half + ".gz", "wb", mtime=0) as dst:
        dst.write(src.read())
    os.remove(half)
    os.replace(os.path.splitext(half)[0] + ".json", half + ".json")
    notes_flood(os.path.join(d, "notes-one-per-gap.pcap"), 5_000 * k)
    reorder_after_parser_stops(os.path.join(d, "reorder-after-parser-stops.pcap"))
    cap_gap_labelled_not_captured(os.path.join(d, "cap-gap-labelled-not-captured.pcap"))
    conflicting_retransmission(os.path.join(d, "conflicting-retransmission.pcap"))
    record_over_limit(os.path.join(d, "record-length-18433.pcap"))
    event_flood(os.path.join(d, "event-flood.pcap"), 1_000 * k)


if __name__ == "__main__":
    main()
