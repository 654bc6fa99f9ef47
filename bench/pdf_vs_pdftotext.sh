#!/usr/bin/env bash
# PDF path speed: pages per second of `formsift extract` (text layer, layout,
# recognition, records) against `pdftotext -layout` (text only) on the same
# 50-page file, run side by side, alternating, median of N runs each.
# Needs poppler-utils for the comparison only: apt-get install poppler-utils
#
#   bench/pdf_vs_pdftotext.sh                          # the bundled 50-page file
#   BASE=/path/to/old/formsift bench/pdf_vs_pdftotext.sh
#                                       # also an older build, side by side
set -euo pipefail
cd "$(dirname "$0")/.."
PDF=${1:-fixtures/pdf/fifty_forms.pdf}
RUNS=${RUNS:-15}
command -v pdftotext >/dev/null || { echo "pdftotext not found: apt-get install poppler-utils" >&2; exit 2; }
cargo build --release -q
BIN=target/release/formsift
PAGES=$(pdfinfo "$PDF" | awk '/^Pages:/ {print $2}')

ns() { date +%s%N; }
run_formsift() { "$BIN" extract -q -j1 "$PDF" >/dev/null || true; }
run_pdftotext() { pdftotext -layout "$PDF" /dev/null; }

declare -a F P B
for _ in $(seq "$RUNS"); do
  t=$(ns); run_formsift; F+=($(( $(ns) - t )))
  t=$(ns); run_pdftotext; P+=($(( $(ns) - t )))
  if [ -n "${BASE:-}" ]; then
    t=$(ns); "$BASE" extract -q -j1 "$PDF" >/dev/null || true; B+=($(( $(ns) - t )))
  fi
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mf=$(median "${F[@]}"); mp=$(median "${P[@]}")
awk -v pages="$PAGES" -v f="$mf" -v p="$mp" -v runs="$RUNS" 'BEGIN {
  printf "file: %d pages, %d runs each, median wall time of a whole process\n", pages, runs
  printf "formsift extract -j1   %8.1f ms  %8.0f pages/s\n", f/1e6, pages/(f/1e9)
  printf "pdftotext -layout      %8.1f ms  %8.0f pages/s\n", p/1e6, pages/(p/1e9)
  printf "ratio formsift/pdftotext (pages/s): %.2f\n", p/f
}'
if [ -n "${BASE:-}" ]; then
  mb=$(median "${B[@]}")
  awk -v pages="$PAGES" -v f="$mf" -v b="$mb" 'BEGIN {
    printf "base extract -j1       %8.1f ms  %8.0f pages/s\n", b/1e6, pages/(b/1e9)
    printf "this build against base: %.2fx\n", b/f
  }'
fi
