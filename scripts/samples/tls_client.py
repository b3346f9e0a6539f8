#!/usr/bin/env python3
"""Python ssl (OpenSSL) clients for the sample captures.

Modes:
  normal   ordinary TLS client: handshake, send a line, read the echo, close_notify, close
  chunked  the same handshake driven through ssl.MemoryBIO, but the ClientHello is written to the
           socket CHUNK bytes at a time (TCP_NODELAY, a short pause between writes), so it spans
           several TCP segments
  corrupt  take the real ClientHello from ssl.MemoryBIO, damage it as --damage says, send it and
           read whatever the server answers (its alert)

--keylog FILE writes the connection's secrets (NSS key log format, SSLContext.keylog_filename).

Connects only to 127.0.0.1 or ::1.
"""
import argparse
import socket
import ssl
import sys
import time

VERSIONS = {
    "1.0": ssl.TLSVersion.TLSv1,
    "1.1": ssl.TLSVersion.TLSv1_1,
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}


def context(a):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if a.ca:
        ctx.load_verify_locations(a.ca)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if a.min:
        ctx.minimum_version = VERSIONS[a.min]
    if a.max:
        ctx.maximum_version = VERSIONS[a.max]
    if a.ciphers:
        ctx.set_ciphers(a.ciphers)
    if a.alpn:
        ctx.set_alpn_protocols(a.alpn.split(","))
    if a.keylog:
        ctx.keylog_filename = a.keylog  # NSS key log format, appended to
    return ctx


def connect(a):
    fam = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(a.timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.connect((a.addr, a.port))
    return s


def run_normal(a):
    s = connect(a)
    try:
        tls = context(a).wrap_socket(s, server_hostname=a.sni)
    except ssl.SSLError as e:
        print("handshake failed:", e)
        s.close()
        return 1
    print("version", tls.version(), "cipher", tls.cipher()[0])
    tls.sendall(b"hello tlsdiag\n")
    print("reply", tls.recv(4096))
    try:
        tls.unwrap()
    except (ssl.SSLError, OSError):
        pass
    tls.close()
    return 0


def pump_out(obj, outgoing, s, chunk=None, pause=0.0):
    data = outgoing.read()
    if not data:
        return
    if chunk:
        for i in range(0, len(data), chunk):
            s.sendall(data[i:i + chunk])
            time.sleep(pause)
    else:
        s.sendall(data)


def run_chunked(a):
    s = connect(a)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = context(a).wrap_bio(incoming, outgoing, server_hostname=a.sni)
    first = True
    while True:
        try:
            obj.do_handshake()
            pump_out(obj, outgoing, s)
            break
        except ssl.SSLWantReadError:
            pump_out(obj, outgoing, s, a.chunk if first else None, a.pause)
            first = False
            data = s.recv(65536)
            if not data:
                print("server closed during handshake")
                return 1
            incoming.write(data)
    print("version", obj.version(), "cipher", obj.cipher()[0])
    obj.write(b"hello tlsdiag\n")
    pump_out(obj, outgoing, s)
    reply = b""
    while not reply:
        data = s.recv(65536)
        if not data:
            break
        incoming.write(data)
        try:
            reply = obj.read(4096)
        except ssl.SSLWantReadError:
            pass
    print("reply", reply)
    try:
        obj.unwrap()
    except (ssl.SSLWantReadError, ssl.SSLError):
        pass
    pump_out(obj, outgoing, s)
    try:
        while s.recv(65536):  # the server's close_notify and FIN
            pass
    except OSError:
        pass
    s.close()
    return 0


def run_corrupt(a):
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = context(a).wrap_bio(incoming, outgoing, server_hostname=a.sni)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = bytearray(outgoing.read())
    # record(5) | handshake type(1) len(3) | legacy_version(2) random(32) | session id len(1) ...
    sid_len = hello[5 + 4 + 2 + 32]
    cs_at = 5 + 4 + 2 + 32 + 1 + sid_len
    if a.damage == "cipher-length":
        # Make the cipher_suites vector one byte longer: it becomes odd, and every later field
        # is read one byte off.
        n = (hello[cs_at] << 8 | hello[cs_at + 1]) + 1
        hello[cs_at:cs_at + 2] = bytes([n >> 8, n & 0xFF])
    elif a.damage == "compression":
        cs_len = hello[cs_at] << 8 | hello[cs_at + 1]
        comp_at = cs_at + 2 + cs_len
        assert hello[comp_at] == 1 and hello[comp_at + 1] == 0
        hello[comp_at + 1] = 1  # offer only DEFLATE, no "null" compression
    s = connect(a)
    s.sendall(bytes(hello))
    got = b""
    try:
        while True:
            data = s.recv(65536)
            if not data:
                break
            got += data
    except OSError:
        pass
    print("server answered", got.hex())
    s.close()
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--addr", default="127.0.0.1", choices=["127.0.0.1", "::1"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", default="normal", choices=["normal", "chunked", "corrupt"])
    p.add_argument("--sni", default="localhost")
    p.add_argument("--ca")
    p.add_argument("--min")
    p.add_argument("--max")
    p.add_argument("--ciphers")
    p.add_argument("--alpn")
    p.add_argument("--chunk", type=int, default=50)
    p.add_argument("--pause", type=float, default=0.02)
    p.add_argument("--damage", default="cipher-length", choices=["cipher-length", "compression"])
    p.add_argument("--timeout", type=float, default=5)
    p.add_argument("--keylog", help="write the TLS secrets to this NSS key log file")
    a = p.parse_args()
    return {"normal": run_normal, "chunked": run_chunked, "corrupt": run_corrupt}[a.mode](a)


if __name__ == "__main__":
    sys.exit(main())
