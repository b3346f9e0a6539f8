#!/usr/bin/env python3
"""Check samples/*.expected.json against an independent dissector (tshark), so that a rerun of
make-samples.sh that changes what is on the wire is noticed, and so that no expectation is taken
from tlsdiag's own output.

  check_expected.py check [SAMPLES_DIR] [SCENARIO...]   verify (exit 1 on any mismatch)
  check_expected.py dump CAPTURE [KEYLOG]               print what tshark sees, per flow, as keys

Only facts tshark can see are checked: the number of TCP connections and their order, client and
server address/port, ClientHello highest version / versions / SNI / ALPN, ServerHello version /
cipher suite / group / HelloRetryRequest, plaintext alerts (sender, level, description, and for
TLS <= 1.2 the encrypted ones by content type), and "established" for TLS <= 1.2 (both sides sent
ChangeCipherSpec). Verdict fields, and alerts hidden in TLS 1.3 application-data records, are
left alone (tlsdiag must infer those; the expectation's description explains them).

When samples/NAME.keylog exists (the secrets the stacks wrote, NSS key log format), tshark gets it
(-o tls.keylog_file) and decrypts what it can; then alerts in encrypted records (TLS 1.2 and 1.3)
are checked too, with "decrypted" (alert and flow), and, once the server's flight is readable,
"certificate_count", "certificate_request" and "client_certificate_empty".
"""
import glob
import json
from concurrent.futures import ThreadPoolExecutor
import os
import subprocess
import sys
from functools import lru_cache

GREASE = {0x0A0A + 0x1010 * i for i in range(16)}
VERSION_NAMES = {0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2",
                 0x0304: "TLS 1.3"}
ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
          40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate",
          44: "certificate_revoked", 45: "certificate_expired", 46: "certificate_unknown",
          47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error",
          51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security",
          80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
          109: "missing_extension", 110: "unsupported_extension", 112: "unrecognized_name",
          113: "bad_certificate_status_response", 115: "unknown_psk_identity",
          116: "certificate_required", 120: "no_application_protocol"}
HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"

FIELDS = ["frame.number", "tcp.stream", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport",
          "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack", "tcp.len", "tls.record.content_type",
          "tls.record.opaque_type", "tls.handshake.type", "tls.handshake.version",
          "tls.handshake.extensions.supported_version", "tls.handshake.extensions_server_name",
          "tls.handshake.ciphersuite", "tls.handshake.extensions_alpn_str",
          "tls.handshake.extensions_key_share_group", "tls.handshake.random",
          "tls.alert_message.level", "tls.alert_message.desc", "tls.record.length",
          "tls.handshake.certificate_length", "tls.handshake.certificates_length"]


@lru_cache(maxsize=None)
def value_names(field):
    out = subprocess.run(["tshark", "-G", "values"], capture_output=True, text=True).stdout
    names = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 4 and parts[0] == "V" and parts[1] == field:
            names[int(parts[2], 0)] = parts[3]
    return names


def suite_name(code):
    return value_names("tls.handshake.ciphersuite").get(code, "0x%04X" % code)


def group_name(code):
    return value_names("tls.handshake.extensions_supported_group").get(code, "0x%04X" % code)


def ints(s):
    return [int(x, 0) for x in s.split(",") if x != ""] if s else []


def flows_of(capture, keylog=None):
    cmd = ["tshark", "-r", capture, "-o", "tcp.reassemble_out_of_order:TRUE", "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=,", "-E", "separator=\t"]
    if keylog:
        cmd += ["-o", "tls.keylog_file:" + keylog]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    flows = {}
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        if v["tcp.stream"] == "":
            continue
        fl = flows.setdefault(int(v["tcp.stream"]), {"packets": []})
        fl["packets"].append(v)
    result = []
    for stream in sorted(flows, key=lambda s: int(flows[s]["packets"][0]["frame.number"])):
        result.append(summarize(flows[stream]["packets"], keylog is not None))
    return result


def summarize(packets, keylog=False):
    def ep(v, side):
        ip = v["ip." + side] or v["ipv6." + side]
        return ip, int(v["tcp.%sport" % ("src" if side == "src" else "dst")])

    client = None
    for v in packets:  # the SYN sender
        if v["tcp.flags.syn"] in ("1", "True") and v["tcp.flags.ack"] in ("0", "False"):
            client = ep(v, "src")
            break
    for v in packets if client is None else []:  # else the ClientHello sender
        if "1" in v["tls.handshake.type"].split(","):
            client = ep(v, "src")
            break
    if client is None:
        client = ep(packets[0], "src")
    server = None
    for v in packets:
        if ep(v, "src") == client:
            server = ep(v, "dst")
            break
    if server is None:
        server = ep(packets[0], "src")

    f = {"client.ip": client[0], "client.port": client[1], "server.ip": server[0],
         "server.port": server[1], "client_hello": None, "server_hello": None, "_alerts": [],
         "_ccs": set(), "_max_version": None, "_keylog": keylog, "_decrypted": False,
         "_cert_count": None, "_cert_request": False, "_client_cert_empty": None}
    for v in packets:
        sender = "client" if ep(v, "src") == client else "server"
        types = v["tls.handshake.type"].split(",") if v["tls.handshake.type"] else []
        ctypes = ints(v["tls.record.content_type"])
        if 20 in ctypes:
            f["_ccs"].add(sender)
        if "1" in types and f["client_hello"] is None:
            sv = [x for x in ints(v["tls.handshake.extensions.supported_version"]) if x not in GREASE]
            legacy = ints(v["tls.handshake.version"])[0]
            versions = sorted(set(sv), reverse=True) if sv else [legacy]
            f["client_hello"] = {
                "version": VERSION_NAMES.get(versions[0], hex(versions[0])),
                "versions": [VERSION_NAMES.get(x, hex(x)) for x in versions],
                "sni": v["tls.handshake.extensions_server_name"] or None,
                "alpn": v["tls.handshake.extensions_alpn_str"].split(",")
                if v["tls.handshake.extensions_alpn_str"] else [],
            }
        if "2" in types and sender == "server":
            hrr = v["tls.handshake.random"].split(",")[0] == HRR_RANDOM
            sv = ints(v["tls.handshake.extensions.supported_version"])
            ver = sv[0] if sv else ints(v["tls.handshake.version"])[0]
            if hrr:
                f["server_hello"] = dict(f["server_hello"] or {}, hello_retry_request=True)
            else:
                ks = ints(v["tls.handshake.extensions_key_share_group"])
                suites = ints(v["tls.handshake.ciphersuite"])
                sh = dict(f["server_hello"] or {"hello_retry_request": False})
                sh.update(version=VERSION_NAMES.get(ver, hex(ver)),
                          cipher_suite=suite_name(suites[0]) if suites else None,
                          group=group_name(ks[0]) if ks else sh.get("group"))
                f["server_hello"] = sh
                f["_max_version"] = ver
        # Messages only a decryption shows: TLS 1.3 EncryptedExtensions (8) and everything after
        # the ServerHello; the TLS 1.2 Finished (20), always sent encrypted.
        if any(t in ("8", "20") for t in types):
            f["_decrypted"] = True
        if "11" in types:
            # One Certificate message per packet here (true of every sample): certificate_length
            # occurs once per certificate, certificates_length once per message.
            n_certs = len(ints(v["tls.handshake.certificate_length"]))
            if sender == "server" and f["_cert_count"] is None:
                f["_cert_count"] = n_certs
            elif sender == "client":
                f["_client_cert_empty"] = ints(v["tls.handshake.certificates_length"]) == [0]
        if "13" in types and sender == "server":
            f["_cert_request"] = True
        levels = ints(v["tls.alert_message.level"])
        descs = ints(v["tls.alert_message.desc"])
        lengths = ints(v["tls.record.length"])
        # An alert record of 2 bytes is in clear; a longer one was encrypted (TLS 1.2 content
        # type 21, or a TLS 1.3 record tshark decrypted). Without its keys an encrypted alert has
        # no description; plaintext and decrypted alerts have one, in record order.
        recs = [(ct, lengths[i] if i < len(lengths) else 2) for i, ct in enumerate(ctypes)]
        alert_lens = [n for ct, n in recs if ct == 21]
        all_known = len(descs) == len(alert_lens)
        d = 0
        for n in alert_lens:
            enc = n != 2
            if all_known or not enc:
                i, d = d, d + 1
            else:
                i = None
            if i is not None and i < len(descs):
                f["_alerts"].append({"sender": sender, "level": {1: "warning", 2: "fatal"}.get(
                    levels[i] if i < len(levels) else 0), "description": ALERTS.get(descs[i]),
                    "code": descs[i], "encrypted": enc, "decrypted": enc})
                if enc:
                    f["_decrypted"] = True
            else:
                f["_alerts"].append({"sender": sender, "level": None, "description": None,
                                     "encrypted": True, "decrypted": False})
    f["tls13"] = f["_max_version"] == 0x0304
    f["established"] = None if f["tls13"] else (f["_ccs"] == {"client", "server"})
    return f


def lookup(flow, key):
    """(known, value) for a dotted key; known is False when tshark cannot tell."""
    parts = key.split(".")
    head = parts[0]
    if head in ("client", "server") and len(parts) == 2:
        return True, flow.get(key)
    if head == "established":
        return flow["established"] is not None, flow["established"]
    if head == "decrypted" and len(parts) == 1:
        return flow["_keylog"], flow["_decrypted"]  # without a key log: tlsdiag's word only
    readable = not flow["tls13"] or flow["_decrypted"]  # the server's flight is visible
    if head == "certificate_count" and len(parts) == 1:
        return readable and flow["_cert_count"] is not None, flow["_cert_count"]
    if head == "certificate_request" and len(parts) == 1:
        return readable, flow["_cert_request"]
    if head == "client_certificate_empty" and len(parts) == 1:
        return readable and flow["_client_cert_empty"] is not None, flow["_client_cert_empty"]
    if head in ("client_hello", "server_hello"):
        obj = flow[head]
        if len(parts) == 1:
            return True, obj
        if obj is None:
            return True, None
        cur = obj
        for p in parts[1:]:
            if isinstance(cur, list):
                i = int(p)
                cur = cur[i] if i < len(cur) else None
            elif isinstance(cur, dict):
                if p not in cur:
                    return False, None
                cur = cur[p]
            else:
                return False, None
        return True, cur
    if head == "alerts" and len(parts) >= 2:
        i = int(parts[1])
        alerts = flow["_alerts"]
        if flow["tls13"] or i >= len(alerts):
            # TLS 1.3 alerts after the ServerHello hide in application-data records: the plaintext
            # ones tshark sees are still checked, by position, when the expectation says so, and
            # so are the ones tshark decrypted with the sample's key log.
            if i < len(alerts) and (not alerts[i]["encrypted"] or alerts[i]["decrypted"]):
                pass
            else:
                return False, None
        a = alerts[i]
        if len(parts) == 2:
            return True, a
        if parts[2] in a:
            return True, a[parts[2]]
        return False, None
    return False, None


def check_file(path, samples):
    exp = json.load(open(path))
    name = exp["scenario"]
    cands = [os.path.join(samples, name + ext) for ext in (".pcap", ".pcapng")]
    cap = next((c for c in cands if os.path.exists(c)), None)
    if cap is None:
        return [f"{name}: no capture"], 0
    keylog = os.path.join(samples, name + ".keylog")
    flows = flows_of(cap, keylog if os.path.exists(keylog) else None)
    errors, checked = [], 0
    # flow_count counts the flows tlsdiag reports; "tcp_connections", where given, says how many
    # TCP connections the capture holds when some of them are not to be reported.
    want_conns = exp.get("tcp_connections", exp["flow_count"])
    if len(flows) != want_conns:
        errors.append(f"{name}: tshark sees {len(flows)} TCP connections, expected {want_conns}")
    for i, ef in enumerate(exp["flows"]):
        if i >= len(flows):
            break
        for key, want in ef.items():
            any_of = key.endswith("|any_of")
            base = key[:-len("|any_of")] if any_of else key
            known, got = lookup(flows[i], base)
            if not known:
                continue
            checked += 1
            ok = (got in want) if any_of else (got == want)
            if not ok:
                errors.append(f"{name}: flow {i}: {base}: tshark says {json.dumps(got)}, "
                              f"expected {json.dumps(want)}")
    return errors, checked


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "dump":
        keylog = sys.argv[3] if len(sys.argv) > 3 else os.path.splitext(sys.argv[2])[0] + ".keylog"
        for i, f in enumerate(flows_of(sys.argv[2], keylog if os.path.exists(keylog) else None)):
            show = {k: v for k, v in f.items() if not k.startswith("_") or k == "_alerts"}
            if f["_keylog"]:
                show.update(decrypted=f["_decrypted"])
            show.update(certificate_count=f["_cert_count"], certificate_request=f["_cert_request"],
                        client_certificate_empty=f["_client_cert_empty"])
            print(i, json.dumps(show, default=list))
        return 0
    if len(sys.argv) < 2 or sys.argv[1] != "check":
        print(__doc__)
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    samples = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "..", "samples")
    only = set(sys.argv[3:])
    paths = [p for p in sorted(glob.glob(os.path.join(samples, "*.expected.json")))
             if not only or os.path.basename(p)[:-len(".expected.json")] in only]
    value_names("tls.handshake.ciphersuite")  # fill the caches before the threads start
    value_names("tls.handshake.extensions_supported_group")
    with ThreadPoolExecutor(max_workers=4) as pool:  # tshark start-up dominates
        results = list(pool.map(lambda p: check_file(p, samples), paths))
    total_err = 0
    for path, (errors, checked) in zip(paths, results):
        name = os.path.basename(path)[:-len(".expected.json")]
        for e in errors:
            print("MISMATCH", e)
        total_err += len(errors)
        if not errors:
            print(f"ok {name} ({checked} facts checked against tshark)")
    return 1 if total_err else 0


if __name__ == "__main__":
    sys.exit(main())
