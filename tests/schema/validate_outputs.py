#!/usr/bin/env python3
"""Validates tlsdiag output against docs/tlsdiag-output.schema.json.

Two modes (they can be combined):
  validate_outputs.py --schema SCHEMA FILE...
      A .json file is one document (the schema root); a .jsonl file is validated line by line,
      each line against the $def its "type" names (flow, input, summary), and the summary line
      must come last, exactly once.
  validate_outputs.py --schema SCHEMA --tlsdiag BIN --samples DIR
      Runs `BIN analyze --format json|jsonl` on every DIR/*.pcap* (one at a time, then all
      together) and validates what it prints. No captures in DIR: says so and succeeds.

Exit status: 0 valid, 1 invalid output or tlsdiag crashed, 77 jsonschema is not installed
(ctest's SKIP_RETURN_CODE), 2 usage errors.
"""
import argparse
import json
import pathlib
import subprocess
import sys

SKIP = 77
LINE_DEFS = {"flow": "jsonl_flow", "input": "jsonl_input", "summary": "jsonl_summary"}


def make_validators(schema_path):
    import jsonschema

    schema = json.loads(pathlib.Path(schema_path).read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    checker = getattr(cls, "FORMAT_CHECKER", None) or jsonschema.FormatChecker()

    def for_def(name):
        # Same $defs, so every $ref still resolves; only the entry point differs.
        sub = {k: v for k, v in schema.items() if k != "$ref"}
        sub["$ref"] = "#/$defs/" + name
        return cls(sub, format_checker=checker)

    validators = {"document": cls(schema, format_checker=checker)}
    for line_type, name in LINE_DEFS.items():
        validators[line_type] = for_def(name)
    return validators


def errors_of(validator, value, where):
    out = []
    for err in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in err.absolute_path)
        out.append(f"{where}: /{path}: {err.message}")
    return out


def check_document(validators, text, where):
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        return [f"{where}: not JSON: {e}"]
    return errors_of(validators["document"], doc, where)


def check_lines(validators, text, where):
    problems = []
    types = []
    lines = text.splitlines()
    if not lines:
        return [f"{where}: no lines"]
    for n, line in enumerate(lines, 1):
        at = f"{where}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{at}: not JSON: {e}")
            continue
        line_type = obj.get("type") if isinstance(obj, dict) else None
        if line_type not in LINE_DEFS:
            problems.append(f"{at}: unknown line type {line_type!r}")
            continue
        types.append(line_type)
        problems += errors_of(validators[line_type], obj, at)
    if types.count("summary") != 1 or (types and types[-1] != "summary"):
        problems.append(f"{where}: expected exactly one summary line, last; got types {types}")
    return problems


def check_file(validators, path):
    text = pathlib.Path(path).read_text(encoding="utf-8")
    if str(path).endswith(".jsonl"):
        return check_lines(validators, text, str(path))
    return check_document(validators, text, str(path))


def run_tlsdiag(binary, fmt, captures):
    where = f"tlsdiag analyze --format {fmt} " + " ".join(p.name for p in captures)
    proc = subprocess.run([binary, "analyze", "--format", fmt, *map(str, captures)],
                          capture_output=True, text=True, errors="replace", timeout=300)
    # 0 ok, 1 a handshake failed, 2 an input error: all still print a full report.
    if proc.returncode not in (0, 1, 2):
        return where, None, [f"{where}: exit status {proc.returncode}: {proc.stderr.strip()}"]
    return where, proc.stdout, []


def check_samples(validators, binary, samples_dir):
    captures = sorted(p for p in pathlib.Path(samples_dir).glob("*.pcap*") if p.is_file())
    if not captures:
        print(f"no captures in {samples_dir}: nothing to validate")
        return []
    runs = [[c] for c in captures] + ([captures] if len(captures) > 1 else [])
    problems = []
    for group in runs:
        for fmt, check in (("json", check_document), ("jsonl", check_lines)):
            where, out, errs = run_tlsdiag(binary, fmt, group)
            problems += errs if out is None else check(validators, out, where)
    print(f"validated json and jsonl output of {len(captures)} captures")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--tlsdiag", help="tlsdiag binary, with --samples")
    ap.add_argument("--samples", help="directory of captures, with --tlsdiag")
    ap.add_argument("files", nargs="*", help=".json documents or .jsonl files")
    args = ap.parse_args()
    if bool(args.tlsdiag) != bool(args.samples):
        ap.error("--tlsdiag and --samples go together")
    if not args.files and not args.samples:
        ap.error("nothing to validate")
    try:
        validators = make_validators(args.schema)
    except ImportError:
        print("python3 jsonschema is not installed: skipping (apt-get install python3-jsonschema)")
        return SKIP
    problems = []
    for f in args.files:
        problems += check_file(validators, f)
    if args.samples:
        problems += check_samples(validators, args.tlsdiag, args.samples)
    for p in problems[:200]:
        print(p)
    if problems:
        print(f"{len(problems)} schema problems")
        return 1
    print("all outputs valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
