#!/usr/bin/env python3
"""A toy on-path middlebox for the sample captures: watch lo for the first TCP segment with payload
sent to PORT (the ClientHello), then forge a RST+ACK from the server to the client, with an IP TTL
unlike the real server's, the way censoring middleboxes reset connections.

Needs root (AF_PACKET + raw IP socket). Only ever sends to 127.0.0.1, and the script runs it in a
private network namespace. Exits after one injection or after --timeout seconds.
"""
import argparse
import select
import socket
import struct
import time

ETH_P_ALL = 0x0003


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def forge_rst(src, sport, dst, dport, seq, ack, ttl):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, 0x14, 0, 0, 0)  # RST|ACK
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0x1234, 0x4000, ttl, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ttl", type=int, default=47)
    p.add_argument("--timeout", type=float, default=10)
    a = p.parse_args()
    if not 20000 <= a.port <= 20999:
        raise SystemExit("port outside 20000-20999")

    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sniff.bind(("lo", 0))
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    print("ready", flush=True)
    deadline = time.time() + a.timeout
    while time.time() < deadline:
        r, _, _ = select.select([sniff], [], [], 0.2)
        if not r:
            continue
        frame = sniff.recv(65535)
        if len(frame) < 14 + 20 + 20 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 6:
            continue
        total = struct.unpack("!H", ip[2:4])[0]
        src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
        if src != "127.0.0.1" or dst != "127.0.0.1":
            continue
        tcp = ip[ihl:total]
        sport, dport, seq, ack = struct.unpack("!HHII", tcp[:12])
        doff = (tcp[12] >> 4) * 4
        payload = len(tcp) - doff
        if dport != a.port or payload <= 0:
            continue
        # The server's next sequence number is what the client acknowledges; acknowledge the hello.
        pkt = forge_rst(dst, dport, src, sport, ack, (seq + payload) & 0xFFFFFFFF, a.ttl)
        time.sleep(0.002)
        raw.sendto(pkt, ("127.0.0.1", 0))
        print("injected RST %s:%d -> %s:%d ttl %d" % (dst, dport, src, sport, a.ttl), flush=True)
        return 0
    print("nothing to reset")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
