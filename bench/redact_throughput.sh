#!/usr/bin/env bash
# `--redact mask` and `--redact hash` against no redaction: `formsift
# extract -j2` over the bench corpus (10,000 forms), runs alternating, the
# median of RUNS runs of each; the ratios are what to read on a shared host.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
RUNS=${RUNS:-7}
cargo build --release -q --bin formsift --example corpus
DIR=target/bench-corpus-$N
[ -f "$DIR/.done" ] || { rm -rf "$DIR"; target/release/examples/corpus "$DIR" "$N" >&2; touch "$DIR/.done"; }
export FORMSIFT_REDACT_KEY=bench-key-of-twenty-bytes
ns() { date +%s%N; }
declare -a P M H
for _ in $(seq "$RUNS"); do
  t=$(ns); target/release/formsift extract -q -j2 "$DIR" > /dev/null; P+=($(( $(ns) - t )))
  t=$(ns); target/release/formsift extract -q -j2 --redact mask "$DIR" > /dev/null; M+=($(( $(ns) - t )))
  t=$(ns); target/release/formsift extract -q -j2 --redact hash "$DIR" > /dev/null; H+=($(( $(ns) - t )))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p=$(median "${P[@]}"); m=$(median "${M[@]}"); h=$(median "${H[@]}")
awk -v p="$p" -v m="$m" -v h="$h" -v n="$N" 'BEGIN {
  printf "no redaction   %6.2fs %8.0f forms/s\n", p/1e9, n/(p/1e9)
  printf "--redact mask  %6.2fs %8.0f forms/s  %.2fx of no redaction\n", m/1e9, n/(m/1e9), p/m
  printf "--redact hash  %6.2fs %8.0f forms/s  %.2fx of no redaction\n", h/1e9, n/(h/1e9), p/h
}'
