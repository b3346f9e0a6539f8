#!/usr/bin/env python3
"""Small loopback servers for the sample captures (threaded: one thread per connection).

Modes:
  echo    TLS server (Python ssl / OpenSSL) that echoes each line back
  http    TLS server that answers any request with a tiny HTTP/1.1 200 response
  rst     plain TCP: read the first bytes (the ClientHello), then close with SO_LINGER 0 (RST)
  silent  plain TCP: accept and never send anything (holds the socket until killed)
  banner  plain TCP: send an SSH-style banner, read whatever comes, close
  plainhttp plain TCP: read a request, answer with an HTTP/1.1 400 page, close

Binds only to the address given (127.0.0.1 or ::1).
"""
import argparse
import socket
import ssl
import struct
import threading
import time

VERSIONS = {
    "1.0": ssl.TLSVersion.TLSv1,
    "1.1": ssl.TLSVersion.TLSv1_1,
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}


def make_context(a):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    if a.min:
        ctx.minimum_version = VERSIONS[a.min]
    if a.max:
        ctx.maximum_version = VERSIONS[a.max]
    if a.ciphers:
        ctx.set_ciphers(a.ciphers)  # before the DH parameters: it may lower the security level
    if a.dhparams:
        ctx.load_dh_params(a.dhparams)
    if a.alpn:
        ctx.set_alpn_protocols(a.alpn.split(","))
    if a.client_ca:
        ctx.load_verify_locations(a.client_ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def serve_tls(conn, a, ctx):
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError):
        conn.close()
        return
    try:
        if a.mode == "http":
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                data += chunk
            body = b"hello from tlsdiag sample server\n"
            if b"\r\n\r\n" in data:  # answer only a request (not a client that just closes)
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                            b"Connection: close\r\n\r\n%s" % (len(body), body))
        else:
            while True:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                tls.sendall(chunk)
        try:
            tls.unwrap()
        except (ssl.SSLError, OSError):
            pass
    except (ssl.SSLError, OSError):
        pass
    finally:
        tls.close()


def serve_plain(conn, a):
    try:
        if a.mode == "rst":
            conn.recv(65536)
            time.sleep(0.05)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif a.mode == "silent":
            time.sleep(3600)
        elif a.mode == "banner":
            conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
            conn.settimeout(2)
            try:
                conn.recv(65536)
            except OSError:
                pass
        elif a.mode == "plainhttp":
            conn.settimeout(2)
            try:
                conn.recv(65536)
            except OSError:
                pass
            body = (b"<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n"
                    b"<center><h1>400 Bad Request</h1></center>\r\n</body>\r\n</html>\r\n")
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    except OSError:
        pass
    finally:
        conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--addr", default="127.0.0.1", choices=["127.0.0.1", "::1"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", default="echo",
                   choices=["echo", "http", "rst", "silent", "banner", "plainhttp"])
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--min")
    p.add_argument("--max")
    p.add_argument("--ciphers")
    p.add_argument("--alpn")
    p.add_argument("--dhparams", help="finite-field DH parameters for DHE suites (PEM)")
    p.add_argument("--client-ca", help="require a client certificate signed by this CA")
    p.add_argument("--mss", type=int, help="TCP_MAXSEG on the listening socket")
    a = p.parse_args()
    if not 20000 <= a.port <= 20999:
        raise SystemExit("port outside 20000-20999")

    fam = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.mss:
        ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, a.mss)
    ls.bind((a.addr, a.port))
    ls.listen(64)
    ctx = make_context(a) if a.mode in ("echo", "http") else None
    while True:
        conn, _ = ls.accept()
        if ctx is not None:
            t = threading.Thread(target=serve_tls, args=(conn, a, ctx), daemon=True)
        else:
            t = threading.Thread(target=serve_plain, args=(conn, a), daemon=True)
        t.start()


if __name__ == "__main__":
    main()
