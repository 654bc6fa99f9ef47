#!/usr/bin/env bash
# Word originals: formsift's records of N .docx forms at -j2 (and -j1)
# against docx2txt extracting only their bare text, all files in one Python
# process (no start-up per file), side by side, alternating, median of RUNS
# runs of each whole process. The forms are the fixtures of
# fixtures/docx/*.docx (every checkbox encoding, inline and tables), copied
# round-robin under distinct names; main-part-elsewhere.docx is left out,
# as docx2txt cannot read it (it looks only for word/document.xml).
#
#   pip install docx2txt          # once
#   bench/docx_vs_docx2txt.sh     # N=1000 RUNS=5
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
RUNS=${RUNS:-5}
python3 -c 'import docx2txt' 2>/dev/null || { echo "needs docx2txt: pip install docx2txt" >&2; exit 2; }
cargo build --release -q --bin formsift
BIN=target/release/formsift
DIR=target/bench-docx-$N
if [ ! -f "$DIR/.done" ]; then
  rm -rf "$DIR"; mkdir -p "$DIR"
  mapfile -t SRC < <(ls fixtures/docx/*.docx | grep -v main-part-elsewhere)
  for i in $(seq 0 $((N - 1))); do
    f=${SRC[$((i % ${#SRC[@]}))]}
    cp "$f" "$DIR/$(printf '%05d' "$i")-$(basename "$f")"
  done
  touch "$DIR/.done"
fi
BYTES=$(find "$DIR" -name '*.docx' -printf '%s\n' | awk '{s+=$1} END {print s}')
ns() { date +%s%N; }
PY='
import docx2txt, glob, sys
n = 0
for f in sorted(glob.glob(sys.argv[1] + "/*.docx")):
    n += len(docx2txt.process(f))
print(n, file=sys.stderr)
'
declare -a D J1 J2
for _ in $(seq "$RUNS"); do
  t=$(ns); python3 -c "$PY" "$DIR" 2>/dev/null; D+=($(( $(ns) - t )))
  t=$(ns); "$BIN" extract -q -j1 "$DIR" > /dev/null || true; J1+=($(( $(ns) - t )))
  t=$(ns); "$BIN" extract -q -j2 "$DIR" > /dev/null || true; J2+=($(( $(ns) - t )))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
d=$(median "${D[@]}"); j1=$(median "${J1[@]}"); j2=$(median "${J2[@]}")
records=$("$BIN" extract -q -j2 "$DIR" | wc -l)
complete=$("$BIN" extract -q -j2 "$DIR" | grep -c '"complete":true' || true)
awk -v n="$N" -v b="$BYTES" -v d="$d" -v j1="$j1" -v j2="$j2" -v runs="$RUNS" -v r="$records" -v c="$complete" 'BEGIN {
  printf "corpus: %d .docx forms, %.1f MB; %d alternating runs; %d records, %d complete\n", n, b/1e6, runs, r, c
  printf "%-34s %9s %12s\n", "", "median", "files/s"
  printf "%-34s %8.2fs %12.0f\n", "docx2txt, bare text, one process", d/1e9, n/(d/1e9)
  printf "%-34s %8.2fs %12.0f\n", "formsift extract -j1 (records)", j1/1e9, n/(j1/1e9)
  printf "%-34s %8.2fs %12.0f\n", "formsift extract -j2 (records)", j2/1e9, n/(j2/1e9)
  printf "ratios (median): -j2 / docx2txt %.2f   -j1 / docx2txt %.2f\n", d/j2, d/j1
}'
