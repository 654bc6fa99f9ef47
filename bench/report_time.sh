#!/usr/bin/env bash
# `formsift report` against `formsift extract` on the same 10,000 forms, run
# side by side, alternating, median of RUNS runs of each whole process: the
# report must take no more than twice extract's time. Two batches: the
# bench corpus (every form complete) and a mixed one (copies of the text
# fixtures: a third incomplete, some unreadable, so the page lists 2,000
# forms). Prints the page's size too (under 5 MB).
#
#   bench/report_time.sh
#   RUNS=9 bench/report_time.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
RUNS=${RUNS:-5}
cargo build --release -q --bin formsift --example corpus
BIN=target/release/formsift
BENCH=target/bench-corpus-$N
[ -f "$BENCH/.done" ] || { rm -rf "$BENCH"; target/release/examples/corpus "$BENCH" "$N" >&2; touch "$BENCH/.done"; }
MIXED=target/report-mixed-$N
if [ ! -f "$MIXED/.done" ]; then
  rm -rf "$MIXED"
  python3 - "$MIXED" "$N" <<'PY'
import glob, os, shutil, sys
out, n = sys.argv[1], int(sys.argv[2])
src = sorted(f for f in glob.glob('fixtures/**/*.txt', recursive=True) + glob.glob('fixtures/**/*.md', recursive=True)
             if os.path.getsize(f) < 20000)
for i in range(n):
    d = f'{out}/{i // 1000:02d}'
    os.makedirs(d, exist_ok=True)
    shutil.copy(src[i % len(src)], f'{d}/{i:05d}-{os.path.basename(src[i % len(src)])}')
PY
  touch "$MIXED/.done"
fi
ns() { date +%s%N; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
OUT=$(mktemp -d)
for DIR in "$BENCH" "$MIXED"; do
  E=(); R=()
  for _ in $(seq "$RUNS"); do
    t=$(ns); "$BIN" extract -q -j2 "$DIR" > "$OUT/x.jsonl" || true; E+=($(( $(ns) - t )))
    t=$(ns); "$BIN" report -q -j2 "$DIR" -o "$OUT/r.html" || true; R+=($(( $(ns) - t )))
  done
  e=$(median "${E[@]}"); r=$(median "${R[@]}")
  awk -v d="$DIR" -v e="$e" -v r="$r" -v size="$(stat -c %s "$OUT/r.html")" 'BEGIN {
    printf "%s: extract %.3f s, report %.3f s: %.2fx extract; page %.2f MB\n", d, e / 1e9, r / 1e9, r / e, size / 1048576 }'
done
rm -rf "$OUT"
