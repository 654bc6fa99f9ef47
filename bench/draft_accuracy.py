#!/usr/bin/env python3
"""How much of a revision a drafted template reads, unedited.

For each revision of the retention form: `formsift draft` one filled form
(the first file of the revision's set), then read every *other* form of the
revision with the drafted template and with the built-in one. A value the
built-in template reads (not null) counts as found when the drafted
template reads a value from the same place: the same line and the same raw
text (for a block, the same first and last line). Keys and option codes of
a draft differ from the built-in's; places do not.

Usage: BIN=target/release/formsift bench/draft_accuracy.py
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

BIN = os.environ.get("BIN", "target/release/formsift")

REVISIONS = {
    "v1": sorted(glob.glob("fixtures/filled/v1-*.txt")),
    "v2": sorted(glob.glob("fixtures/filled/v2-*.txt")),
    "v3": sorted(glob.glob("fixtures/filled/v3-*.txt"))
    + sorted(glob.glob("fixtures/docx/*.docx"))
    + sorted(glob.glob("fixtures/exports/heldout/*.docx"))
    + sorted(glob.glob("fixtures/exports/lo-txt/*.txt")),
}


def records(template, path):
    out = subprocess.run(
        [BIN, "extract", "-t", template, path], capture_output=True, text=True
    ).stdout
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def leaves(fields, prefix=""):
    """(path, value) of every value, list entries as `list[n].key`."""
    for k, v in (fields or {}).items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            for n, entry in enumerate(v, 1):
                yield from leaves(entry, f"{prefix}{k}[{n}].")
        else:
            yield prefix + k, v


def places(record):
    prov = record.get("provenance") or {}
    out = set()
    for path, value in leaves(record.get("fields")):
        if value is None or path not in prov:
            continue
        p = prov[path]
        out.add((p.get("line"), p.get("raw"), p.get("last_line")))
    return out


def main():
    total_found = total = 0
    for rev, files in REVISIONS.items():
        source, others = files[0], files[1:]
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            drafted = subprocess.run(
                [BIN, "draft", source], capture_output=True, text=True, check=True
            ).stdout
            f.write(drafted)
            path = f.name
        found = want = 0
        for other in others:
            built = records("processo-retencao", other)
            draft = records(path, other)
            if not built or built[0].get("error"):
                continue
            w = places(built[0])
            got = places(draft[0]) if draft and not draft[0].get("error") else set()
            hit = len(w & got)
            found += hit
            want += len(w)
            if os.environ.get("VERBOSE"):
                print(f"  {other}: {hit}/{len(w)}; missing {sorted(w - got, key=str)[:6]}")
        os.unlink(path)
        share = 100 * found / want if want else 0
        print(f"{rev}: drafted from {source}: {found}/{want} values of {len(others)} other forms ({share:.0f}%)")
        total_found += found
        total += want
    print(f"all: {total_found}/{total} ({100 * total_found / total:.0f}%)")


if __name__ == "__main__":
    sys.exit(main())
