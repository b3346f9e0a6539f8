"""Classic pcap writing for the adversarial workload generators (standard library only).

Everything is Ethernet (LINKTYPE 1) + IPv4 + TCP, microsecond timestamps, written with struct
straight into a buffered file. TCP checksums are left 0 (tlsdiag does not verify them, like every
capture taken with checksum offload); IPv4 header checksums are computed.

Also: reading the packets of a classic pcap (the real handshakes in samples/) and re-addressing
them, so one sample can be embedded several times as distinct connections.
"""

import ipaddress
import json
import os
import struct

LINKTYPE_ETHERNET = 1
SNAPLEN = 262144

SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08

_ETH = bytes(6) + bytes.fromhex("020000000001") + b"\x08\x00"
_PCAP_HDR = struct.Struct("<IHHiIII")
_REC_HDR = struct.Struct("<IIII")
_TCP = struct.Struct("!HHIIBBHHH")


def ip(text):
    """'10.1.2.3' -> 4 bytes."""
    return ipaddress.IPv4Address(text).packed


def _ip_checksum(header):
    s = sum(struct.unpack("!10H", header))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class PcapWriter:
    """Writes a classic pcap; counts packets and bytes for the ground truth."""

    def __init__(self, path):
        self.path = path
        self.f = open(path, "wb", buffering=1 << 22)
        self.f.write(_PCAP_HDR.pack(0xA1B2C3D4, 2, 4, 0, 0, SNAPLEN, LINKTYPE_ETHERNET))
        self.packets = 0
        self.ts_us = 1_700_000_000 * 1_000_000  # 2023-11-14, fixed: output is deterministic
        self._ipid = 0

    def tick(self, us=1):
        self.ts_us += us

    def raw(self, frame, ts_us=None):
        """One link-layer frame at ts_us (default: the running clock)."""
        if ts_us is None:
            ts_us = self.ts_us
        n = len(frame)
        self.f.write(_REC_HDR.pack(ts_us // 1_000_000, ts_us % 1_000_000, n, n))
        self.f.write(frame)
        self.packets += 1

    def tcp(self, src, dst, sport, dport, seq, ack, flags, payload=b"", window=65535, ttl=64):
        """One Ethernet/IPv4/TCP packet with the running clock; src/dst are 4-byte addresses."""
        self._ipid = (self._ipid + 1) & 0xFFFF
        total = 20 + 20 + len(payload)
        iph = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, total & 0xFFFF, self._ipid, 0x4000,
                                    ttl, 6, 0, src, dst))
        struct.pack_into("!H", iph, 10, _ip_checksum(bytes(iph)))
        tcph = _TCP.pack(sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, window, 0, 0)
        self.raw(_ETH + bytes(iph) + tcph + payload)

    def close(self):
        self.f.close()

    def size(self):
        return os.path.getsize(self.path)


class Conn:
    """A TCP connection being written: keeps both sides' next sequence numbers."""

    def __init__(self, w, cip, cport, sip, sport, cisn=1000, sisn=5000):
        self.w, self.cip, self.cport, self.sip, self.sport = w, cip, cport, sip, sport
        self.cseq, self.sseq = cisn, sisn

    def handshake(self):
        w = self.w
        w.tcp(self.cip, self.sip, self.cport, self.sport, self.cseq, 0, SYN)
        w.tick()
        w.tcp(self.sip, self.cip, self.sport, self.cport, self.sseq, self.cseq + 1, SYN | ACK)
        w.tick()
        self.cseq += 1
        self.sseq += 1
        w.tcp(self.cip, self.sip, self.cport, self.sport, self.cseq, self.sseq, ACK)
        w.tick()

    def client(self, payload, advance=True):
        self.w.tcp(self.cip, self.sip, self.cport, self.sport, self.cseq, self.sseq, ACK | PSH, payload)
        self.w.tick()
        if advance:
            self.cseq += len(payload)

    def server(self, payload, advance=True):
        self.w.tcp(self.sip, self.cip, self.sport, self.cport, self.sseq, self.cseq, ACK | PSH, payload)
        self.w.tick()
        if advance:
            self.sseq += len(payload)

    def server_ack(self):
        self.w.tcp(self.sip, self.cip, self.sport, self.cport, self.sseq, self.cseq, ACK)
        self.w.tick()

    def fin(self):
        w = self.w
        w.tcp(self.cip, self.sip, self.cport, self.sport, self.cseq, self.sseq, FIN | ACK)
        w.tick()
        w.tcp(self.sip, self.cip, self.sport, self.cport, self.sseq, self.cseq + 1, FIN | ACK)
        w.tick()
        w.tcp(self.cip, self.sip, self.cport, self.sport, self.cseq + 1, self.sseq + 1, ACK)
        w.tick()


def read_pcap(path):
    """Packets of a classic pcap (Ethernet): list of (ts_us, frame)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        endian, nano = "<", False
    elif magic == b"\xa1\xb2\xc3\xd4":
        endian, nano = ">", False
    elif magic == b"\x4d\x3c\xb2\xa1":
        endian, nano = "<", True
    elif magic == b"\xa1\xb2\x3c\x4d":
        endian, nano = ">", True
    else:
        raise ValueError(f"{path}: not a classic pcap")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != LINKTYPE_ETHERNET:
        raise ValueError(f"{path}: link type {linktype}, want Ethernet")
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        out.append((sec * 1_000_000 + (frac // 1000 if nano else frac), data[off:off + caplen]))
        off += caplen
    return out


def readdress(frames, client_ip, server_ip, client_port=None):
    """Rewrites an IPv4-over-Ethernet TCP conversation (e.g. a loopback sample, where both ends
    are 127.0.0.1) to client_ip/server_ip; the client is the SYN sender. With client_port the
    client's port is changed too. Returns the frames (timestamps dropped)."""
    cport = None
    for _, fr in frames:
        ihl = (fr[14] & 0x0F) * 4
        t = 14 + ihl
        if fr[t + 13] & SYN and not fr[t + 13] & ACK:
            cport = struct.unpack("!H", fr[t:t + 2])[0]
            break
    if cport is None:
        raise ValueError("no SYN in the sample")
    out = []
    for _, fr in frames:
        fr = bytearray(fr)
        ihl = (fr[14] & 0x0F) * 4
        t = 14 + ihl
        sport, dport = struct.unpack("!HH", fr[t:t + 4])
        from_client = sport == cport
        fr[26:30], fr[30:34] = (client_ip, server_ip) if from_client else (server_ip, client_ip)
        if client_port is not None:
            if from_client:
                struct.pack_into("!H", fr, t, client_port)
            else:
                struct.pack_into("!H", fr, t + 2, client_port)
        fr[24:26] = b"\0\0"
        struct.pack_into("!H", fr, 24, _ip_checksum(bytes(fr[14:34])))
        out.append(bytes(fr))
    return out


class RealHandshakes:
    """The real handshakes embedded in a workload: samples/tls12-ok-openssl.pcap and
    samples/tls13-ok-openssl.pcap, re-addressed to 192.0.2.0/24 -> 198.51.100.1 so each copy is
    its own connection. Their verdicts are known (ok, established)."""

    SAMPLES = [("tls12-ok-openssl", "TLS 1.2"), ("tls13-ok-openssl", "TLS 1.3")]

    def __init__(self, samples_dir):
        self.samples = [(name, read_pcap(os.path.join(samples_dir, name + ".pcap")))
                        for name, _ in self.SAMPLES]
        self.copies = []  # ground truth: one dict per embedded copy
        self.server_ip = ip("198.51.100.1")

    def embed(self, w, where):
        """Writes one copy of each sample at the writer's clock (keeping the sample's spacing
        between packets), then advances the clock past it."""
        for name, pkts in self.samples:
            n = len(self.copies) + 1
            cip = ip(f"192.0.2.{n}")
            frames = readdress(pkts, cip, self.server_ip)
            t0 = pkts[0][0]
            for (ts, _), fr in zip(pkts, frames):
                w.raw(fr, w.ts_us + (ts - t0))
            w.ts_us += pkts[-1][0] - t0 + 1
            cport = None
            for _, fr in pkts:
                t = 14 + (fr[14] & 0x0F) * 4
                if fr[t + 13] & SYN and not fr[t + 13] & ACK:
                    cport = struct.unpack("!H", fr[t:t + 2])[0]
                    dport = struct.unpack("!H", fr[t + 2:t + 4])[0]
                    break
            self.copies.append({
                "sample": name, "where": where,
                "client": {"ip": f"192.0.2.{n}", "port": cport},
                "server": {"ip": "198.51.100.1", "port": dport},
                "expect": {"status": "ok", "reason": "ok", "established": True},
            })


def write_truth(pcap_path, truth):
    with open(os.path.splitext(pcap_path)[0] + ".json", "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
        f.write("\n")
