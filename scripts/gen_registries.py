#!/usr/bin/env python3
"""Generate the IANA TLS registry tables in src/tls/*.inc from scripts/iana/*.csv.

Each .inc file is the body of a sorted constexpr array in src/tls/registry.cpp, one row per
assigned code point:

  cipher_suites.inc       {code, name, kx, tls13_only, recommended, is_scsv, discouraged}
  everything else         {code, name, recommended, discouraged}

Rules, applied to every registry:
  * Rows whose description is "Unassigned" or starts with "Reserved" are skipped: GREASE
    (RFC 8701), private-use and "reserved for backward compatibility" ranges have no name
    worth printing; GREASE is recognised at run time by tls::is_grease.
  * A range row ("0x00,0x47-4F", "63-2569", "0x0A00-0x0A03") is expanded if it carries a real
    name; none does today, so in practice ranges are skipped.
  * Names are IANA's, except that rename notes ('supported_groups (renamed from
    "elliptic_curves")') and "(OBSOLETE)" tags are dropped, and for alerts and handshake types
    the "_RESERVED" suffix RFC 8446 puts on TLS 1.2-only values is dropped: a TLS 1.2 capture
    really carries server_key_exchange and no_renegotiation.
  * "Recommended" Y sets recommended, D (RFC 9847, "discouraged") sets discouraged.

Content types and EC point formats come from `tshark -G values` (no IANA CSV was available,
see scripts/iana/README.md), with scripts/iana/supplement-content-types.csv on top.

The output depends only on the inputs: rerunning leaves the .inc files byte-identical.
Usage: scripts/gen_registries.py [--check]   (--check: exit 1 if any .inc is out of date)
"""

import csv
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
IANA = ROOT / "scripts" / "iana"
OUT = ROOT / "src" / "tls"

# Cipher-suite name prefix (between "TLS_" and "_WITH_") -> tls::KeyExchange enumerator.
KX_BY_PREFIX = {
    "NULL": "Null",
    "RSA": "Rsa", "RSA_EXPORT": "Rsa",
    "DH_DSS": "DhDss", "DH_DSS_EXPORT": "DhDss",
    "DH_RSA": "DhRsa", "DH_RSA_EXPORT": "DhRsa",
    "DHE_DSS": "DheDss", "DHE_DSS_EXPORT": "DheDss",
    "DHE_RSA": "DheRsa", "DHE_RSA_EXPORT": "DheRsa",
    "DH_anon": "DhAnon", "DH_anon_EXPORT": "DhAnon",
    "ECDH_ECDSA": "EcdhEcdsa", "ECDHE_ECDSA": "EcdheEcdsa",
    "ECDH_RSA": "EcdhRsa", "ECDHE_RSA": "EcdheRsa",
    "ECDH_anon": "EcdhAnon",
    "PSK": "Psk", "DHE_PSK": "DhePsk", "PSK_DHE": "DhePsk",  # PSK_DHE: RFC 6655 spelling
    "RSA_PSK": "RsaPsk", "ECDHE_PSK": "EcdhePsk",
    "SRP_SHA": "Srp", "SRP_SHA_RSA": "Srp", "SRP_SHA_DSS": "Srp",
    "KRB5": "Krb5", "KRB5_EXPORT": "Krb5",
    "ECCPWD": "Other",          # RFC 8492 password-based ECDH
    "GOSTR341112_256": "Gost",  # RFC 9189 (TLS 1.2 GOST)
}
# RFC 9367: GOST suites for TLS 1.3 keep a "_WITH_" in their names.
TLS13_WITH_SUFFIXES = ("_MGM_L", "_MGM_S")

NAME_RE = re.compile(r"^[A-Za-z0-9_]+( \(deprecated\))?$")


def fail(msg):
    sys.exit(f"gen_registries.py: {msg}")


def read_csv(name, required):
    with open(IANA / name, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    missing = [c for c in required if rows and c not in rows[0]]
    if not rows or missing:
        fail(f"{name}: missing columns {missing}")
    return rows


def parse_int(text):
    text = text.strip()
    return int(text, 16) if text.lower().startswith("0x") else int(text, 10)


def parse_codes(value):
    """Code points named by a Value cell, or [] for a wildcard row."""
    value = value.strip()
    if "," in value:  # cipher suite: "0xC0,0x2F", "0x00,0x47-4F", "0x01-09,*"
        hi, lo = (part.strip() for part in value.split(","))
        if "*" in lo:
            return []
        his = parse_range(hi)
        los = parse_range(lo)
        return [(h << 8) | l for h in his for l in los]
    return parse_range(value)


def parse_range(text):
    if "-" not in text:
        return [parse_int(text)]
    first, last = text.split("-")
    if text.lower().startswith("0x") and not last.lower().startswith("0x"):
        last = "0x" + last  # "0x47-4F"
    return list(range(parse_int(first), parse_int(last) + 1))


def skipped(description):
    return description == "Unassigned" or description.startswith("Reserved")


def clean_name(description, strip_reserved_suffix=False):
    name = re.sub(r"\s*\(renamed from [^)]*\)", "", description)
    name = name.replace(" (OBSOLETE)", "").strip()
    if strip_reserved_suffix and name.endswith("_RESERVED"):
        name = name[: -len("_RESERVED")]
    if not NAME_RE.match(name):
        fail(f"unexpected name {description!r}")
    return name


def recommendation(cell):
    cell = (cell or "").strip()
    if cell not in ("", "Y", "N", "D"):
        fail(f"unexpected Recommended value {cell!r}")
    return cell == "Y", cell == "D"


def collect(rows, value_col, name_col, strip_reserved_suffix=False):
    """{code: row} for every named code point; ranges with a real name are expanded."""
    out = {}
    for row in rows:
        description = " ".join(row[name_col].split())
        if skipped(description):
            continue
        for code in parse_codes(row[value_col]):
            if code in out:
                fail(f"duplicate code 0x{code:04x}")
            out[code] = (clean_name(description, strip_reserved_suffix), row)
    return out


def cipher_suite_row(code, name, row):
    recommended, discouraged = recommendation(row["Recommended"])
    is_scsv = name.endswith("_SCSV")
    if is_scsv:
        kx, tls13_only = "Other", False
    elif "_WITH_" in name:
        prefix = name[len("TLS_"): name.index("_WITH_")]
        if prefix not in KX_BY_PREFIX:
            fail(f"no key exchange known for {name}; extend KX_BY_PREFIX")
        tls13_only = name.endswith(TLS13_WITH_SUFFIXES)
        kx = "Tls13" if tls13_only else KX_BY_PREFIX[prefix]
    elif name.startswith("TLS_"):
        # RFC 8446 §B.4: TLS 1.3 suites name only the AEAD and hash (TLS_AES_128_GCM_SHA256,
        # TLS_SHA256_SHA256, TLS_AEGIS_256_SHA512, TLS_SM4_GCM_SM3, ...).
        kx, tls13_only = "Tls13", True
    else:
        fail(f"unexpected cipher suite name {name}")
    flags = ", ".join(str(b).lower() for b in (tls13_only, recommended, is_scsv, discouraged))
    return f'{{0x{code:04x}, "{name}", KeyExchange::{kx}, {flags}}},'


def entry_row(code, name, recommended, discouraged, decimal):
    # 16-bit registries in hex as the RFCs write them (0x0804); 8-bit ones in decimal (alert 40).
    code_text = str(code) if decimal else f"0x{code:04x}"
    return f'{{{code_text}, "{name}", {str(recommended).lower()}, {str(discouraged).lower()}}},'


def simple_table(entries, decimal=False):
    """entries: {code: (name, recommended, discouraged)}."""
    return [entry_row(code, *entries[code], decimal) for code in sorted(entries)]


def from_iana_csv(name, name_col="Description", strip_reserved_suffix=False, decimal=False):
    rows = read_csv(name, ["Value", name_col])
    entries = {}
    for code, (entry_name, row) in collect(rows, "Value", name_col,
                                           strip_reserved_suffix).items():
        entries[code] = (entry_name, *recommendation(row.get("Recommended")))
    return simple_table(entries, decimal)


def iana_spelling(label):
    """Wireshark title case ("Change Cipher Spec") -> IANA style ("change_cipher_spec");
    labels already in IANA style ("ansiX962_compressed_prime") are kept."""
    words = label.split()
    if all(word[0].isupper() for word in words):
        return "_".join(word.lower() for word in words)
    return label


def from_tshark(field):
    entries = {}
    with open(IANA / "tshark-4.0-tls-values.tsv", encoding="utf-8") as f:
        for line in f:
            kind, name, value, label = line.rstrip("\n").split("\t")
            if kind == "V" and name == field:
                entries[int(value)] = (iana_spelling(label), False, False)
    if not entries:
        fail(f"no tshark values for {field}")
    return entries


def content_types():
    entries = from_tshark("tls.record.content_type")
    for row in read_csv("supplement-content-types.csv", ["Value", "Description"]):
        entries[parse_int(row["Value"])] = (clean_name(row["Description"]), False, False)
    return simple_table(entries, decimal=True)


def cipher_suites():
    rows = read_csv("tls-parameters-4.csv", ["Value", "Description", "Recommended"])
    named = collect(rows, "Value", "Description")
    return [cipher_suite_row(code, *named[code]) for code in sorted(named)]


TABLES = [
    # (output, sources, columns, row generator)
    ("cipher_suites.inc", "tls-parameters-4.csv",
     "code, name, kx, tls13_only, recommended, is_scsv, discouraged", cipher_suites),
    ("alerts.inc", "tls-parameters-6.csv", "code, name, recommended, discouraged",
     lambda: from_iana_csv("tls-parameters-6.csv", strip_reserved_suffix=True, decimal=True)),
    ("handshake_types.inc", "tls-parameters-7.csv", "code, name, recommended, discouraged",
     lambda: from_iana_csv("tls-parameters-7.csv", strip_reserved_suffix=True, decimal=True)),
    ("extensions.inc", "tls-extensiontype-values-1.csv", "code, name, recommended, discouraged",
     lambda: from_iana_csv("tls-extensiontype-values-1.csv", name_col="Extension Name")),
    ("groups.inc", "tls-parameters-8.csv", "code, name, recommended, discouraged",
     lambda: from_iana_csv("tls-parameters-8.csv")),
    ("signature_schemes.inc", "tls-signaturescheme.csv", "code, name, recommended, discouraged",
     lambda: from_iana_csv("tls-signaturescheme.csv")),
    ("content_types.inc", "tshark-4.0-tls-values.tsv + supplement-content-types.csv",
     "code, name, recommended, discouraged", content_types),
    ("ec_point_formats.inc", "tshark-4.0-tls-values.tsv", "code, name, recommended, discouraged",
     lambda: simple_table(from_tshark("tls.handshake.extensions_ec_point_format"), decimal=True)),
]


def render(sources, columns, rows):
    header = [
        f"// Generated by scripts/gen_registries.py from scripts/iana/{sources}. Do not edit.",
        f"// {{{columns}}}",
    ]
    return "\n".join(header + rows) + "\n"


def main(argv):
    check = argv[1:] == ["--check"]
    if argv[1:] and not check:
        fail("usage: gen_registries.py [--check]")
    stale = []
    for output, sources, columns, generate in TABLES:
        rows = generate()
        text = render(sources, columns, rows)
        path = OUT / output
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            print(f"{output}: {len(rows)} rows, unchanged")
            continue
        stale.append(output)
        if not check:
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"{output}: {len(rows)} rows, written")
    if check and stale:
        fail(f"out of date: {', '.join(stale)}; run scripts/gen_registries.py")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
