#!/usr/bin/env python3
"""Generates the adversarial workloads one at a time, runs `tlsdiag analyze` on each (JSON, and
text for some) under /usr/bin/time -v, checks the result against the generator's ground truth
(check.py) and prints a table of figures.

  run.py --tlsdiag BIN --out DIR [--scale full|small] [--max-rss-mib N] [--timeout S]
         [--keep] [WORKLOAD...]

Exit status 0 when every run passed, 1 otherwise. Without /usr/bin/time (Debian package `time`)
the runs are timed here and peak RSS is reported as n/a (and --max-rss-mib is not checked).
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import check  # noqa: E402

# name: (generator args, per scale; tlsdiag runs: (label, extra args, formats))
WORKLOADS = {
    "synflood": {
        "gen": ["synflood.py"],
        "full": ["--flows", "1000000"], "small": ["--flows", "50000"],
        "runs": [("", [], ["json", "text"]),
                 ("cap", ["--max-flows", {"full": "100000", "small": "10000"}], ["json"])],
    },
    "ooo-reverse": {
        "gen": ["ooo.py", "--order", "reverse"],
        "full": ["--segments", "1000000"], "small": ["--segments", "20000"],
        "runs": [("", [], ["json", "text"])],
    },
    "ooo-shuffle": {
        "gen": ["ooo.py", "--order", "shuffle"],
        "full": ["--segments", "1000000"], "small": ["--segments", "20000"],
        "runs": [("", [], ["json", "text"])],
    },
    "ooo-window": {
        "gen": ["ooo.py"],
        "full": ["--segments", "1000000", "--order", "window:4000"],
        "small": ["--segments", "20000", "--order", "window:1000"],
        "runs": [("", [], ["json"])],
    },
    "gap-flood": {
        "gen": ["gapflood.py"],
        "full": ["--holes", "1000000"], "small": ["--holes", "20000"],
        "runs": [("", [], ["json", "text"])],
    },
    "hello-endless": {
        "gen": ["neverending.py", "{pcap}", "endless"],
        "full": ["--mbytes", "50"], "small": ["--mbytes", "5"],
        "runs": [("", [], ["json", "text"])],
    },
    "hello-halfway": {
        "gen": ["neverending.py", "{pcap}", "halfway"],
        "full": ["--flows", "10000"], "small": ["--flows", "100"],
        "runs": [("", [], ["json", "text"]), ("mem256", ["--memory-limit", "256M"], ["json"])],
    },
    "overlap": {
        "gen": ["overlap.py"],
        "full": ["--flows", "10000"], "small": ["--flows", "300"],
        "runs": [("", [], ["json", "text"])],
    },
    "oversized": {
        "gen": ["oversized.py"],
        "full": ["--flows", "5000"], "small": ["--flows", "100"],
        "runs": [("", [], ["json", "text"])],
    },
}


def generate(name, spec, scale, pcap):
    gen = spec["gen"]
    args = [a.replace("{pcap}", pcap) for a in gen[1:]]
    if "{pcap}" not in " ".join(gen):
        args = [pcap] + args
    cmd = [sys.executable, os.path.join(HERE, gen[0])] + args + spec[scale]
    t0 = time.monotonic()
    subprocess.run(cmd, check=True)
    return time.monotonic() - t0


def parse_time_v(path):
    out = {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("Maximum resident set size (kbytes):"):
                out["rss_kb"] = int(line.rsplit(":", 1)[1])
            elif line.startswith("Elapsed (wall clock) time"):
                v = line.split("):", 1)[1].strip()
                parts = [float(x) for x in v.split(":")]
                s = 0.0
                for p in parts:
                    s = s * 60 + p
                out["wall"] = s
            elif line.startswith("Exit status:"):
                out["exit"] = int(line.rsplit(":", 1)[1])
            elif line.startswith("Command terminated by signal"):
                out["signal"] = int(line.rsplit(" ", 1)[1])
    return out


def run_tlsdiag(binary, pcap, fmt, extra, outfile, timeout, have_time):
    tv = outfile + ".time"
    cmd = [binary, "analyze", "--format", fmt] + extra + [pcap]
    if have_time:
        cmd = ["/usr/bin/time", "-v", "-o", tv] + cmd
    t0 = time.monotonic()
    with open(outfile, "wb") as out, open(outfile + ".stderr", "wb") as err:
        # Own process group: a hang is killed with /usr/bin/time's child, not just time itself.
        p = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            rc = None
    wall = time.monotonic() - t0
    res = {"exit": rc, "wall": wall, "rss_kb": None, "timeout": rc is None}
    if have_time and rc is not None and os.path.exists(tv):
        t = parse_time_v(tv)
        res.update({k: t[k] for k in ("wall", "rss_kb") if k in t})
        if "signal" in t:
            res["signal"] = t["signal"]
            res["exit"] = 128 + t["signal"]
    return res


def fmt_row(cols, widths):
    return "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cols, widths)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tlsdiag", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scale", choices=["full", "small"], default="full")
    ap.add_argument("--max-rss-mib", type=float)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--keep", action="store_true", help="keep the pcaps and reports")
    ap.add_argument("workloads", nargs="*")
    a = ap.parse_args()
    names = a.workloads or list(WORKLOADS)
    for n in names:
        if n not in WORKLOADS:
            sys.exit(f"unknown workload {n}; known: {' '.join(WORKLOADS)}")
    os.makedirs(a.out, exist_ok=True)
    # ADVERSARIAL_NO_TIME=1: behave as without /usr/bin/time (to test that path).
    have_time = os.access("/usr/bin/time", os.X_OK) and not os.environ.get("ADVERSARIAL_NO_TIME")
    if not have_time:
        print("note: /usr/bin/time not found (Debian package `time`): peak RSS not measured, "
              "RSS bound not checked", flush=True)

    header = ["workload", "size MB", "packets", "wall s", "MB/s", "packets/s", "RSS MiB", "result"]
    widths = [40, 8, 10, 7, 7, 10, 8, 12]
    rows, problems, gaps_seen = [], [], []
    for name in names:
        spec = WORKLOADS[name]
        pcap = os.path.join(a.out, name + ".pcap")
        gen_s = generate(name, spec, a.scale, pcap)
        with open(os.path.splitext(pcap)[0] + ".json") as f:
            truth = json.load(f)
        size = os.path.getsize(pcap)
        print(f"# {name}: {truth['description']} ({size / 1e6:.1f} MB, {truth['packets']:,} packets, "
              f"generated in {gen_s:.1f} s)", flush=True)
        for label, extra, formats in spec["runs"]:
            extra = [x[a.scale] if isinstance(x, dict) else x for x in extra]
            max_flows = int(extra[extra.index("--max-flows") + 1]) if "--max-flows" in extra else None
            json_report, json_rc = None, None
            for fmt in formats:
                tag = name + (f"-{label}" if label else "")
                outfile = os.path.join(a.out, f"{tag}.out.{fmt}")
                r = run_tlsdiag(a.tlsdiag, pcap, fmt, extra, outfile, a.timeout, have_time)
                fails, gaps = [], []
                if r["timeout"]:
                    fails.append(f"no result after {a.timeout:.0f} s (hang?)")
                elif fmt == "json":
                    json_rc = r["exit"]
                    try:
                        with open(outfile) as f:
                            json_report = json.load(f)
                    except (OSError, ValueError) as e:
                        json_report = None
                        fails.append(f"unreadable JSON report: {e}")
                    f2, gaps, _ = check.check(truth, json_report, r["exit"], max_flows)
                    fails += f2
                else:
                    if r["exit"] not in (0, 1):
                        fails.append(f"exit status {r['exit']} (a valid pcap must give 0 or 1)")
                    elif json_rc is not None and r["exit"] != json_rc:
                        fails.append(f"text exit status {r['exit']} != JSON's {json_rc}")
                    with open(outfile, errors="replace") as f:
                        text = f.read()
                    if json_report is not None:
                        f2, _, _ = check.check(truth, json_report, None, max_flows, text)
                        fails += [x for x in f2 if x.startswith("text")]
                rss_mib = r["rss_kb"] / 1024 if r["rss_kb"] is not None else None
                if a.max_rss_mib is not None and rss_mib is not None and rss_mib > a.max_rss_mib:
                    fails.append(f"peak RSS {rss_mib:.0f} MiB over the bound {a.max_rss_mib:.0f} MiB")
                if "signal" in r:
                    fails.insert(0, f"killed by signal {r['signal']}")
                with open(os.path.join(a.out, f"{tag}.out.{fmt}.stderr"), errors="replace") as f:
                    err = f.read().strip()
                if err:
                    gaps.append(f"stderr: {err.splitlines()[0][:160]}")
                wall = r["wall"] or 1e-9
                label_txt = f"{tag} ({fmt}{' ' + ' '.join(extra) if extra else ''})"
                if r["timeout"]:
                    result = "HANG"
                elif "signal" in r:
                    result = f"CRASH, sig {r['signal']}"
                else:
                    result = ("FAIL" if fails else "ok") + f", exit {r['exit']}"
                rows.append([label_txt, f"{size / 1e6:.1f}", f"{truth['packets']:,}", f"{wall:.2f}",
                             f"{size / 1e6 / wall:.1f}", f"{truth['packets'] / wall:,.0f}",
                             f"{rss_mib:.0f}" if rss_mib is not None else "n/a", result])
                print(fmt_row(rows[-1], widths), flush=True)
                problems += [f"{label_txt}: {x}" for x in fails]
                for g in gaps:
                    g = re.sub(r" \(\d[^)]*\)", "", g)  # one line per gap, not per workload
                    if g not in gaps_seen:
                        gaps_seen.append(g)
        if not a.keep:
            for fn in os.listdir(a.out):
                if fn.startswith(name + ".") or fn.startswith(name + "-"):
                    os.remove(os.path.join(a.out, fn))

    print()
    print(fmt_row(header, widths))
    for r in rows:
        print(fmt_row(r, widths))
    for g in gaps_seen:
        print("GAP:", g)
    for p in problems:
        print("FAIL:", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
