#!/usr/bin/env python3
"""Text recall on a folder of PDFs: formsift against pdftotext.

For every PDF in DIR, runs `formsift text` and `pdftotext` (one file at a
time, one after the other) and counts the characters each prints, white
space and control and format characters (Unicode Cc, Cf) left out.
A file pdftotext reads (more than 50 characters) is *lost* when formsift
gives less than half of pdftotext's count. Prints the files lost, the median
ratio formsift/pdftotext over the files pdftotext reads, formsift's error
codes, and the time each tool took in all; writes one row per file to
OUT.tsv (default: pdf-recall.tsv in the current folder).

    cargo build --release
    bench/pdf_recall.py ../shared/pdf-corpus            # the 952-file corpus
    BIN=/path/to/old/formsift bench/pdf_recall.py DIR   # another build
    bench/pdf_recall.py DIR --out run.tsv --timeout 20

Needs poppler-utils (apt-get install poppler-utils).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path


def chars(data: bytes) -> int:
    """Characters that are text: not white space, not control or format
    characters (pdftotext writes bidi embeddings, U+202B..., around
    right-to-left runs, and the raw codes of glyphs it cannot decode)."""
    text = data.decode("utf-8", "replace")
    return sum(1 for c in text if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf"))


def run(cmd, timeout):
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
        out, err, rc = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired:
        out, err, rc = b"", b"timeout: the tool did not finish", -1
    return out, err, rc, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--out", type=Path, default=Path("pdf-recall.tsv"))
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="formsift's --pdf-timeout (pdftotext gets 3 times it)")
    ap.add_argument("--memory", type=int, default=1024, help="formsift's --pdf-memory, MB")
    a = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    binary = os.environ.get("BIN", str(root / "target/release/formsift"))
    files = sorted(p for p in a.dir.iterdir() if p.suffix.lower() == ".pdf")
    if not files:
        sys.exit(f"no .pdf files in {a.dir}")
    rows, t_f, t_p = [], 0.0, 0.0
    for n, f in enumerate(files, 1):
        out, err, _, dt = run([binary, "text", "-q", "--pdf-timeout", str(a.timeout),
                               "--pdf-memory", str(a.memory), str(f)], a.timeout * 3)
        t_f += dt
        code = "ok"
        if err.strip():
            code = err.decode("utf-8", "replace").split(":", 1)[0].strip() or "?"
        pout, _, _, pdt = run(["pdftotext", str(f), "-"], a.timeout * 3)
        t_p += pdt
        rows.append((f.name, chars(out), chars(pout), code, dt, pdt,
                     err.decode("utf-8", "replace").strip().replace("\n", " ")[:300]))
        if n % 100 == 0:
            print(f"  {n}/{len(files)}", file=sys.stderr)
    with open(a.out, "w") as w:
        w.write("file\tformsift\tpdftotext\tcode\tformsift_s\tpdftotext_s\tmessage\n")
        for r in rows:
            w.write("\t".join([r[0], str(r[1]), str(r[2]), r[3], f"{r[4]:.3f}", f"{r[5]:.3f}", r[6]]) + "\n")
    readable = [r for r in rows if r[2] > 50]
    lost = [r for r in readable if r[1] < 0.5 * r[2]]
    ratios = [r[1] / r[2] for r in readable]
    codes = {}
    for r in rows:
        codes[r[3]] = codes.get(r[3], 0) + 1
    print(f"files: {len(rows)}; read by pdftotext (> 50 characters): {len(readable)}")
    print(f"lost by formsift (< half of pdftotext's characters): {len(lost)}"
          f" ({100 * len(lost) / max(1, len(readable)):.1f}%)")
    for r in lost:
        print(f"  {r[0]}: {r[1]} of {r[2]}  {r[3]} {r[6][:120]}")
    if ratios:
        print(f"median ratio formsift/pdftotext: {statistics.median(ratios):.3f}")
    print("formsift outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(codes.items())))
    print(f"time in all: formsift {t_f:.1f} s, pdftotext {t_p:.1f} s")
    print(f"per-file rows: {a.out}")


if __name__ == "__main__":
    main()
