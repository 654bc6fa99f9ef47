#!/usr/bin/env python3
"""Field accuracy of formsift on converter exports of the retention form.

For every export under fixtures/exports/<converter>/ (made by
fixtures/exports/make.py), runs `BIN extract --format json FILE` and compares
the first record's `fields` object with the expected record, leaf by leaf:

    fixtures/filled/v3.expected.json           for the five v3 originals
                                               (inline-plain, table-legacy, table-formtext,
                                               table-two-columns, table-sdt-controls)
    fixtures/exports/heldout/NAME.expected.json for the held-out forms (heldout-*)

A leaf is a top-level key, or, inside a list of objects (contatos, mensagens),
each key of each entry (`contatos[2].obs`); a list of plain values (a
multiple-choice group) or an empty list is one leaf.  A leaf is right when the
value equals the expected one exactly, JSON type included (1 is not 1.0 nor
true).  An entry the record has beyond the expected list (a sixth contact)
counts as one wrong leaf.  A file that gives no record, or `fields: null`,
has every leaf wrong.

Prints one row per converter: fields right % over all its files, over the
inline forms (inline-plain, heldout-inline), over the table forms (the other
six), over the v3 files and over the held-out ones.  --verbose adds, per file,
its score and every wrong leaf (key: got vs expected).  Always exits 0.

    BIN=/tmp/formsift-new bench/exports_accuracy.py            # default BIN: target/release/formsift
    bench/exports_accuracy.py --verbose
    bench/exports_accuracy.py --converter lo-txt --converter pandoc-md -v
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "fixtures" / "exports"
V3_EXPECTED = ROOT / "fixtures" / "filled" / "v3.expected.json"
V3_NAMES = {"inline-plain", "table-legacy", "table-formtext", "table-two-columns", "table-sdt-controls"}
INLINE_NAMES = {"inline-plain", "heldout-inline"}
NOT_CONVERTERS = {"heldout"}  # the held-out .docx and their expected records


def expected_for(stem):
    if stem in V3_NAMES:
        return V3_EXPECTED
    p = EXPORTS / "heldout" / f"{stem}.expected.json"
    return p if p.exists() else None


def canon(v):
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def is_obj_list(v):
    return isinstance(v, list) and v and all(isinstance(x, dict) for x in v)


def leaves(exp, got, prefix=""):
    """(key, got, expected, right) for every leaf of exp; got may be anything."""
    out = []
    if isinstance(exp, dict):
        g = got if isinstance(got, dict) else {}
        for k, v in exp.items():
            key = f"{prefix}.{k}" if prefix else k
            out += leaves(v, g.get(k, MISSING), key)
    elif is_obj_list(exp):
        g = got if isinstance(got, list) else []
        for i, v in enumerate(exp):
            out += leaves(v, g[i] if i < len(g) else MISSING, f"{prefix}[{i}]")
        for i in range(len(exp), len(g)):
            out.append((f"{prefix}[{i}]", g[i], MISSING, False))
    else:
        out.append((prefix, got, exp, got is not MISSING and canon(got) == canon(exp)))
    return out


class Missing:
    def __repr__(self):
        return "(absent)"


MISSING = Missing()


def show(v, width=70, start=0):
    s = repr(v) if v is MISSING else json.dumps(v, ensure_ascii=False)
    if start > 0:
        s = "…" + s[start:]
    return s if len(s) <= width else s[: width - 1] + "…"


def show_pair(got, exp, width=70):
    """Both values; two long strings are shown from a little before where they part."""
    start = 0
    if isinstance(got, str) and isinstance(exp, str):
        a, b = json.dumps(got, ensure_ascii=False), json.dumps(exp, ensure_ascii=False)
        i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        if i > width - 25:
            start = i - 20
    return f"got {show(got, width, start)} vs expected {show(exp, width, start)}"


def extract(bin_, path, timeout):
    """The first record of the file, or (None, reason)."""
    try:
        p = subprocess.run(
            [bin_, "extract", "--format", "json", "-q", str(path)],
            cwd=ROOT, capture_output=True, timeout=timeout,
        )
    except FileNotFoundError:
        return None, f"no binary {bin_}"
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout} s"
    try:
        data = json.loads(p.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, f"exit {p.returncode}, output not JSON ({e.__class__.__name__})" + (f": {err[-1]}" if err else "")
    if isinstance(data, dict):
        data = [data]
    if not data:
        return None, "no record"
    rec = data[0]
    note = f"{len(data)} records, first used" if len(data) > 1 else ""
    if rec.get("fields") is None:
        e = rec.get("error") or {}
        return None, f"fields null ({e.get('code', '?')}: {e.get('message', '')})"
    return rec, note


def pct(right, total):
    return f"{100.0 * right / total:5.1f}" if total else "    -"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="per file: score and wrong fields")
    ap.add_argument("--converter", action="append", help="only this converter folder (repeatable)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per formsift run (default 120)")
    args = ap.parse_args()
    bin_ = os.environ.get("BIN", "target/release/formsift")

    convs = sorted(
        d.name for d in EXPORTS.iterdir()
        if d.is_dir() and d.name not in NOT_CONVERTERS and (not args.converter or d.name in args.converter)
    ) if EXPORTS.is_dir() else []
    if not convs:
        print(f"no converter folders under {EXPORTS} (run fixtures/exports/make.py)")
        return 0

    expected_cache = {}
    lost_all = {}  # converter -> [leaves lost by the export and said so, right]
    rows, details = [], []
    for conv in convs:
        # [right, total] for: all, inline, table, v3, held-out
        acc = {k: [0, 0] for k in ("all", "inline", "table", "v3", "heldout")}
        files = sorted(p for p in (EXPORTS / conv).iterdir() if p.is_file())
        nfiles = unread = 0
        for path in files:
            exp_path = expected_for(path.stem)
            if exp_path is None:
                details.append(f"{conv}/{path.name}: no expected record, skipped")
                continue
            if exp_path not in expected_cache:
                expected_cache[exp_path] = json.loads(exp_path.read_text(encoding="utf-8"))
            exp = expected_cache[exp_path]
            rec, note = extract(bin_, EXPORTS / conv / path.name, args.timeout)
            got = rec["fields"] if rec else {}
            ls = leaves(exp, got)
            right = sum(1 for *_, ok in ls if ok)
            # Leaves the export itself lost, and the record says so: null
            # with `marks_lost` on the key (the boxes were not exported).
            said = {i.get("field") for i in (rec or {}).get("issues", []) if i.get("code") == "marks_lost"}
            lost = sum(1 for key, g, e, ok in ls if not ok and g is None and key in said)
            lost_all[conv] = lost_all.get(conv, [0, 0])
            lost_all[conv][0] += lost
            lost_all[conv][1] += right
            nfiles += 1
            unread += rec is None
            groups = ["all", "inline" if path.stem in INLINE_NAMES else "table",
                      "v3" if path.stem in V3_NAMES else "heldout"]
            for g in groups:
                acc[g][0] += right
                acc[g][1] += len(ls)
            head = f"{conv}/{path.name}: {right}/{len(ls)} right ({pct(right, len(ls)).strip()} %)"
            if note:
                head += f"  [{note}]"
            details.append(head)
            if rec is not None:
                for key, g, e, ok in ls:
                    if not ok:
                        details.append(f"    {key}: {show_pair(g, e)}")
        rows.append((conv, nfiles, unread, acc))

    print(f"BIN={bin_}")
    print("fields right % (leaf by leaf); inline = inline-plain + heldout-inline, table = the 6 others")
    print()
    print("lost: leaves the export lost (boxes not exported) that the record gives as null with")
    print("marks_lost; known %: right among the other leaves")
    print()
    hdr = (f"{'converter':<14} {'files':>5} {'unread':>6}  {'all %':>6} {'inline %':>8} {'table %':>8} "
           f"{'v3 %':>6} {'held-out %':>10} {'lost':>5} {'known %':>8}")
    print(hdr)
    print("-" * len(hdr))
    for conv, n, unread, a in rows:
        lost, right = lost_all.get(conv, [0, 0])
        print(f"{conv:<14} {n:>5} {unread:>6}  {pct(*a['all']):>6} {pct(*a['inline']):>8} "
              f"{pct(*a['table']):>8} {pct(*a['v3']):>6} {pct(*a['heldout']):>10} {lost:>5} "
              f"{pct(right, a['all'][1] - lost):>8}")
    tot = {k: [sum(a[k][i] for *_, a in rows) for i in (0, 1)] for k in ("all", "inline", "table", "v3", "heldout")}
    print("-" * len(hdr))
    print(f"{'all':<14} {sum(r[1] for r in rows):>5} {sum(r[2] for r in rows):>6}  {pct(*tot['all']):>6} "
          f"{pct(*tot['inline']):>8} {pct(*tot['table']):>8} {pct(*tot['v3']):>6} {pct(*tot['heldout']):>10}")
    if args.verbose:
        print()
        for line in details:
            print(line)
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a benchmark: report, never fail the caller
        print(f"exports_accuracy: {e.__class__.__name__}: {e}", file=sys.stderr)
    sys.exit(0)
