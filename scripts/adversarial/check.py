#!/usr/bin/env python3
"""Checks a `tlsdiag analyze --format json` report of a generated workload against the ground
truth the generator wrote next to the pcap.

  check.py TRUTH.json REPORT.json [--exit-status N] [--max-flows CAP] [--text REPORT.txt]

Prints one line per problem (FAIL: ...) and per gap in the report's accounting (GAP: ...); exits
1 when anything failed. Gaps alone do not fail.
"""

import argparse
import json
import re
import sys

# Per-input counters the flow accounting invariant needs:
# flows_seen == flows_reported + flows_not_tls + flows_without_payload.
ACCOUNTING = ("flows_reported", "flows_not_tls", "flows_without_payload")


def endpoint_key(ep):
    return (ep["ip"], ep["port"])


def check_flow(flow, exp, name, fails, conditional=False):
    v = flow["verdict"]
    for k in ("status", "reason"):
        if k in exp and v[k] != exp[k]:
            fails.append(f"{name}: verdict.{k} {v[k]!r}, expected {exp[k]!r}")
    if "established" in exp and flow["established"] != exp["established"]:
        fails.append(f"{name}: established {flow['established']}, expected {exp['established']}")
    if "client_hello" in exp and (flow["client_hello"] is not None) != exp["client_hello"]:
        fails.append(f"{name}: client_hello {'present' if flow['client_hello'] else 'missing'}")
    for k, want in exp.get("tcp", {}).items():
        if flow["tcp"].get(k) != want:
            fails.append(f"{name}: tcp.{k} {flow['tcp'].get(k)!r}, expected {want!r}")
    for k, want in exp.get("tcp_min", {}).items():
        if (flow["tcp"].get(k) or 0) < want:
            fails.append(f"{name}: tcp.{k} {flow['tcp'].get(k)!r}, expected >= {want}")
    if "notes_match" in exp and not any(re.search(exp["notes_match"], n) for n in flow["notes"]):
        fails.append(f"{name}: no note matches /{exp['notes_match']}/ (notes: {flow['notes'][:4]})")


def check(truth, report, exit_status=None, max_flows=None, text=None):
    """Returns (fails, gaps, facts): lists of strings, and a dict of figures for the table."""
    fails, gaps, facts = [], [], {}
    if exit_status is not None:
        facts["exit"] = exit_status
        if exit_status not in (0, 1):
            fails.append(f"exit status {exit_status} (a valid pcap must give 0 or 1)")
        elif exit_status not in truth["exit_status"]:
            fails.append(f"exit status {exit_status}, expected one of {truth['exit_status']}")
    if report is None:
        fails.append("no JSON report")
        return fails, gaps, facts
    inputs = report.get("inputs", [])
    summary = report["summary"]
    flows = report["flows"]
    if len(inputs) != 1:
        fails.append(f"{len(inputs)} inputs in the report, expected 1")
        return fails, gaps, facts
    inp = inputs[0]
    if inp.get("error"):
        fails.append(f"input error: {inp['error']}")
    if inp["packets"] != truth["packets"]:
        fails.append(f"packets {inp['packets']}, generator wrote {truth['packets']}")
    if inp["flows_seen"] != truth["flows_seen"]:
        fails.append(f"flows_seen {inp['flows_seen']}, expected {truth['flows_seen']}")
    lo, hi = truth.get("flows_evicted_range", [0, 0])
    if max_flows is not None and "syn_only_flows" in truth:
        # Re-derive for the cap the run used: the SYN-only flows stay open to the end; each real
        # connection opens (evicting one flow when the table is full) and closes, freeing a slot.
        seen, transient = truth["flows_seen"], truth["flows_seen"] - truth["syn_only_flows"]
        lo, hi = max(0, seen - max_flows - transient), max(0, seen - max_flows)
    facts["evicted"] = inp["flows_evicted"]
    table_evicted = inp["flows_evicted"]
    if "syn_only_flows" in truth:
        # A SYN-only flow holds about 1 KiB: at the default --memory-limit (1 GiB, a sixteenth of it
        # set aside for tombstones) a million of them do not all fit, and the least recently active,
        # SYN-only flows, are evicted for memory (caps_hit.memory) besides the table cap's evictions.
        memory = inp.get("caps_hit", {}).get("memory", 0)
        if memory > truth["syn_only_flows"]:
            fails.append(f"caps_hit.memory {memory}, more than the {truth['syn_only_flows']} SYN-only flows")
        table_evicted -= memory
    if not lo <= table_evicted <= hi:
        fails.append(f"flows_evicted {inp['flows_evicted']} ({table_evicted} by the table cap), expected {lo}..{hi}")
    if summary["flows"] != len(flows):
        fails.append(f"summary.flows {summary['flows']} but {len(flows)} flows listed")
    facts["reported"] = summary["flows"]
    if "flows_reported" in truth and summary["flows"] != truth["flows_reported"]:
        fails.append(f"{summary['flows']} flows reported, expected {truth['flows_reported']}")
    for k, want in truth.get("summary", {}).items():
        if summary.get(k) != want:
            fails.append(f"summary.{k} {summary.get(k)!r}, expected {want!r}")
    for k, want in truth.get("summary_min", {}).items():
        if (summary.get(k) or 0) < want:
            fails.append(f"summary.{k} {summary.get(k)!r}, expected >= {want}")

    # Accounting: every flow seen is reported, or counted as not TLS or without payload.
    missing = [k for k in ACCOUNTING if k not in inp]
    if missing:
        gaps.append(f"inputs[].{', '.join(missing)} missing: cannot check flows_seen == "
                    f"reported + not_tls + without_payload ({inp['flows_seen']} seen, "
                    f"{summary['flows']} reported, {inp['flows_seen'] - summary['flows']} unaccounted)")
    else:
        total = sum(inp[k] for k in ACCOUNTING)
        if total != inp["flows_seen"]:
            fails.append(f"flows_seen {inp['flows_seen']} != " +
                         " + ".join(f"{k} {inp[k]}" for k in ACCOUNTING) + f" = {total}")
        if inp["flows_reported"] != len(flows):
            fails.append(f"inputs[].flows_reported {inp['flows_reported']} but {len(flows)} flows listed")
        for k in ("flows_not_tls", "flows_without_payload"):
            if k in truth and inp[k] != truth[k]:
                fails.append(f"inputs[].{k} {inp[k]}, expected {truth[k]}")

    by_tuple = {}
    for f in flows:
        by_tuple.setdefault((endpoint_key(f["client"]), endpoint_key(f["server"])), f)
    for t in truth.get("flows", []):
        key = (endpoint_key(t["client"]), endpoint_key(t["server"]))
        name = "{}:{}->{}:{}".format(*key[0], *key[1]) + (f" ({t['sample']}, {t['where']})" if "where" in t else "")
        f = by_tuple.get(key)
        if "expect" in t:
            if f is None:
                fails.append(f"{name}: not reported")
            else:
                check_flow(f, t["expect"], name, fails)
        if "expect_if_reported" in t and f is not None:
            check_flow(f, t["expect_if_reported"], name, fails)

    if text is not None:
        m = re.search(r"^\s*flows\s+(\d+) \(ok (\d+), failed (\d+), incomplete (\d+)", text, re.M)
        if not m:
            fails.append("text report: no 'flows N (ok ..., failed ..., incomplete ...)' summary line")
        else:
            got = tuple(int(x) for x in m.groups())
            want = (summary["flows"], summary["ok"], summary["failed"], summary["incomplete"])
            if got != want:
                fails.append(f"text summary flows/ok/failed/incomplete {got} != JSON {want}")
    return fails, gaps, facts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("truth")
    ap.add_argument("report")
    ap.add_argument("--exit-status", type=int)
    ap.add_argument("--max-flows", type=int)
    ap.add_argument("--text")
    a = ap.parse_args()
    with open(a.truth) as f:
        truth = json.load(f)
    with open(a.report) as f:
        report = json.load(f)
    text = open(a.text).read() if a.text else None
    fails, gaps, _ = check(truth, report, a.exit_status, a.max_flows, text)
    for g in gaps:
        print("GAP:", g)
    for x in fails:
        print("FAIL:", x)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
