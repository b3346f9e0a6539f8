#!/usr/bin/env python3
"""A TCP relay that stalls the server's side mid-handshake, to play a server that hangs after its
ServerHello (a slow signing key, an overloaded box): the client's bytes go through at once, the
server's first --pass-records TLS records too, everything after that is held back for good.

  slow_relay.py --port P --to Q [--pass-records 1]

Listens on 127.0.0.1:P, connects to 127.0.0.1:Q. Runs until stopped.
"""
import argparse
import socket
import threading


def pump_client(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                dst.shutdown(socket.SHUT_WR)
                return
            dst.sendall(data)
    except OSError:
        pass


def pump_server(src, dst, records):
    """Forward whole TLS records until `records` have gone through, then swallow the rest."""
    buf = b""
    passed = 0
    try:
        while True:
            data = src.recv(65536)
            if not data:
                return
            if passed >= records:
                continue
            buf += data
            while passed < records and len(buf) >= 5:
                n = 5 + int.from_bytes(buf[3:5], "big")
                if len(buf) < n:
                    break
                dst.sendall(buf[:n])
                buf = buf[n:]
                passed += 1
    except OSError:
        pass


def handle(conn, a):
    up = socket.create_connection(("127.0.0.1", a.to))
    threading.Thread(target=pump_client, args=(conn, up), daemon=True).start()
    threading.Thread(target=pump_server, args=(up, conn, a.pass_records), daemon=True).start()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--to", type=int, required=True)
    p.add_argument("--pass-records", type=int, default=1)
    a = p.parse_args()
    for port in (a.port, a.to):
        if not 20000 <= port <= 20999:
            raise SystemExit("port outside 20000-20999")
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", a.port))
    ls.listen(16)
    while True:
        conn, _ = ls.accept()
        handle(conn, a)


if __name__ == "__main__":
    main()
