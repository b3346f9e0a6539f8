#!/usr/bin/env python3
"""Rewrite good sample captures into capture oddities (classic pcap, Ethernet link type, as tcpdump
writes on lo). Only the packet list and link headers change; TCP/TLS bytes stay as captured.

  pcap_tool.py vlan IN OUT --tag 0x8100:100 [--tag ...]   insert 802.1Q/802.1ad tags (outermost first)
  pcap_tool.py reorder IN OUT --port P --swap c3,c4 --dup c6 --dup s1
        swap the 3rd and 4th client->server data segments, duplicate the 6th client->server and
        the 1st server->client data segment (the copy lands after the next packet)
  pcap_tool.py onesided IN OUT --port P                   keep only client->server packets
  pcap_tool.py ports IN OUT --map 20063:443               rename a TCP port (IPv4), fixing the
        TCP checksum: the same conversation as if it had run on another port
"""
import argparse
import struct

LINKTYPE_ETHERNET = 1


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        e = "<"
    elif magic == b"\xa1\xb2\xc3\xd4":
        e = ">"
    else:
        raise SystemExit(f"{path}: not a microsecond classic pcap")
    header = data[:24]
    linktype = struct.unpack(e + "I", data[20:24])[0]
    if linktype != LINKTYPE_ETHERNET:
        raise SystemExit(f"{path}: link type {linktype}, want Ethernet")
    pkts, off = [], 24
    while off + 16 <= len(data):
        ts_s, ts_u, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        pkts.append([ts_s, ts_u, orig, data[off + 16:off + 16 + incl]])
        off += 16 + incl
    return e, header, pkts


def write_pcap(path, e, header, pkts):
    with open(path, "wb") as f:
        f.write(header)
        for ts_s, ts_u, orig, frame in pkts:
            f.write(struct.pack(e + "IIII", ts_s, ts_u, len(frame), orig))
            f.write(frame)


def tcp_info(frame):
    """(sport, dport, payload length) of an Ethernet/IPv4-or-IPv6/TCP frame, else None."""
    et = frame[12:14]
    if et == b"\x08\x00":
        ip = frame[14:]
        if ip[9] != 6:
            return None
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        tcp = ip[ihl:total]
    elif et == b"\x86\xdd":
        ip = frame[14:]
        if ip[6] != 6:
            return None
        tcp = ip[40:40 + struct.unpack("!H", ip[4:6])[0]]
    else:
        return None
    sport, dport = struct.unpack("!HH", tcp[:4])
    return sport, dport, len(tcp) - (tcp[12] >> 4) * 4


def cmd_vlan(a):
    e, header, pkts = read_pcap(a.input)
    tags = b""
    for t in a.tag:
        tpid, vid = t.split(":")
        tags += struct.pack("!HH", int(tpid, 0), int(vid))
    for p in pkts:
        frame = p[3]
        p[3] = frame[:12] + tags + frame[12:]
        p[2] += len(tags)
    write_pcap(a.output, e, header, pkts)


def data_index(pkts, port):
    """{('c'|'s', n): packet index} for the n-th (1-based) data segment of each direction."""
    idx, count = {}, {"c": 0, "s": 0}
    for i, p in enumerate(pkts):
        info = tcp_info(p[3])
        if not info or info[2] <= 0:
            continue
        d = "c" if info[1] == port else "s"
        count[d] += 1
        idx[(d, count[d])] = i
    return idx


def cmd_reorder(a):
    e, header, pkts = read_pcap(a.input)
    idx = data_index(pkts, a.port)
    key = lambda s: (s[0], int(s[1:]))
    if a.swap:
        x, y = (idx[key(s)] for s in a.swap.split(","))
        pkts[x], pkts[y] = pkts[y], pkts[x]
    # Insert copies from the back so earlier indices stay valid.
    for i in sorted((idx[key(s)] for s in a.dup), reverse=True):
        copy = list(pkts[i])
        pkts.insert(i + 2, copy)
    write_pcap(a.output, e, header, pkts)


def cmd_onesided(a):
    e, header, pkts = read_pcap(a.input)
    keep = [p for p in pkts if (tcp_info(p[3]) or (0, 0, 0))[1] == a.port]
    write_pcap(a.output, e, header, keep)


def tcp_checksum(src, dst, segment):
    data = src + dst + struct.pack("!BBH", 0, 6, len(segment)) + segment
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def cmd_ports(a):
    e, header, pkts = read_pcap(a.input)
    old, new = (int(x) for x in a.map.split(":"))
    for p in pkts:
        frame = bytearray(p[3])
        if frame[12:14] != b"\x08\x00" or frame[14 + 9] != 6:
            continue
        ihl = (frame[14] & 0x0F) * 4
        total = struct.unpack("!H", frame[16:18])[0]
        t = 14 + ihl
        for off in (t, t + 2):
            if struct.unpack("!H", frame[off:off + 2])[0] == old:
                frame[off:off + 2] = struct.pack("!H", new)
        if len(frame) >= 14 + total:  # whole segment captured: recompute its checksum
            frame[t + 16:t + 18] = b"\0\0"
            ck = tcp_checksum(bytes(frame[26:30]), bytes(frame[30:34]), bytes(frame[t:14 + total]))
            frame[t + 16:t + 18] = struct.pack("!H", ck)
        p[3] = bytes(frame)
    write_pcap(a.output, e, header, pkts)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("vlan")
    v.add_argument("input")
    v.add_argument("output")
    v.add_argument("--tag", action="append", required=True)
    r = sub.add_parser("reorder")
    r.add_argument("input")
    r.add_argument("output")
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--swap")
    r.add_argument("--dup", action="append", default=[])
    o = sub.add_parser("onesided")
    o.add_argument("input")
    o.add_argument("output")
    o.add_argument("--port", type=int, required=True)
    m = sub.add_parser("ports")
    m.add_argument("input")
    m.add_argument("output")
    m.add_argument("--map", required=True)
    a = p.parse_args()
    {"vlan": cmd_vlan, "reorder": cmd_reorder, "onesided": cmd_onesided, "ports": cmd_ports}[a.cmd](a)


if __name__ == "__main__":
    main()
