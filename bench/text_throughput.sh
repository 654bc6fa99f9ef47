#!/usr/bin/env bash
# Text path speed: forms per second and MB/s of `formsift extract` at -j1
# and -j2 against `cat` of the same files (the read limit), run side by side,
# alternating, median of RUNS runs of each whole process, and the fastest
# run of each (on a shared machine, what the others' load left alone).
# Then, with MEMORY=1, the peak memory of one run over 100,000 forms.
#
#   bench/text_throughput.sh            # 10,000 forms of about 4 KB
#   N=100000 bench/text_throughput.sh
#   MEMORY=1 bench/text_throughput.sh   # also peak memory over 100,000 forms
#   BASE=/path/to/old/formsift bench/text_throughput.sh
#                                       # also an older build, side by side
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
RUNS=${RUNS:-5}
cargo build --release -q --bin formsift --example corpus
BIN=target/release/formsift
corpus() { # N -> folder, generated once
  local dir=target/bench-corpus-$1
  [ -f "$dir/.done" ] || { rm -rf "$dir"; target/release/examples/corpus "$dir" "$1" >&2; touch "$dir/.done"; }
  echo "$dir"
}
DIR=$(corpus "$N")
BYTES=$(find "$DIR" -name '*.txt' -printf '%s\n' | awk '{s+=$1} END {print s}')
ns() { date +%s%N; }
declare -a C J1 J2 B1 B2
for _ in $(seq "$RUNS"); do
  t=$(ns); find "$DIR" -name '*.txt' -print0 | xargs -0 cat > /dev/null; C+=($(( $(ns) - t )))
  t=$(ns); "$BIN" extract -q -j1 "$DIR" > /dev/null || true; J1+=($(( $(ns) - t )))
  t=$(ns); "$BIN" extract -q -j2 "$DIR" > /dev/null || true; J2+=($(( $(ns) - t )))
  if [ -n "${BASE:-}" ]; then
    t=$(ns); "$BASE" extract -q -j1 "$DIR" > /dev/null || true; B1+=($(( $(ns) - t )))
    t=$(ns); "$BASE" extract -q -j2 "$DIR" > /dev/null || true; B2+=($(( $(ns) - t )))
  fi
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
fastest() { printf '%s\n' "$@" | sort -n | head -1; }
c=$(median "${C[@]}"); j1=$(median "${J1[@]}"); j2=$(median "${J2[@]}")
# The speed-up of each run's -j2 over the -j1 just before it: the two share
# the machine's mood of that moment, where the medians may come from two.
pairs=$(for k in "${!J1[@]}"; do awk -v a="${J1[$k]}" -v b="${J2[$k]}" 'BEGIN {printf "%.4f\n", a/b}'; done)
sp=$(printf '%s\n' $pairs | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
fc=$(fastest "${C[@]}"); f1=$(fastest "${J1[@]}"); f2=$(fastest "${J2[@]}")
awk -v n="$N" -v b="$BYTES" -v c="$c" -v j1="$j1" -v j2="$j2" -v fc="$fc" -v f1="$f1" -v f2="$f2" -v runs="$RUNS" -v sp="$sp" 'BEGIN {
  printf "corpus: %d forms, %.1f MB (%.0f bytes a form); %d alternating runs\n", n, b/1e6, b/n, runs
  printf "%-26s %9s %12s %10s %16s\n", "", "median", "forms/s", "MB/s", "fastest: forms/s"
  printf "%-26s %8.2fs %12.0f %10.1f %16.0f\n", "cat (read limit)", c/1e9, n/(c/1e9), b/1e6/(c/1e9), n/(fc/1e9)
  printf "%-26s %8.2fs %12.0f %10.1f %16.0f\n", "formsift extract -j1", j1/1e9, n/(j1/1e9), b/1e6/(j1/1e9), n/(f1/1e9)
  printf "%-26s %8.2fs %12.0f %10.1f %16.0f\n", "formsift extract -j2", j2/1e9, n/(j2/1e9), b/1e6/(j2/1e9), n/(f2/1e9)
  printf "ratios (median): -j1/cat %.3f   -j2/cat %.3f   speed-up -j2/-j1 %.2f\n", c/j1, c/j2, j1/j2
  printf "ratios (fastest): -j1/cat %.3f   -j2/cat %.3f   speed-up -j2/-j1 %.2f\n", fc/f1, fc/f2, f1/f2
  printf "speed-up -j2/-j1, median of each run'"'"'s pair: %.2f\n", sp
}'
if [ -n "${BASE:-}" ]; then
  b1=$(median "${B1[@]}"); b2=$(median "${B2[@]}")
  g1=$(fastest "${B1[@]}"); g2=$(fastest "${B2[@]}")
  awk -v n="$N" -v j1="$j1" -v j2="$j2" -v b1="$b1" -v b2="$b2" -v f1="$f1" -v f2="$f2" -v g1="$g1" -v g2="$g2" 'BEGIN {
    printf "%-26s %8.2fs %12.0f %27.0f\n", "base extract -j1", b1/1e9, n/(b1/1e9), n/(g1/1e9)
    printf "%-26s %8.2fs %12.0f %27.0f\n", "base extract -j2", b2/1e9, n/(b2/1e9), n/(g2/1e9)
    printf "this build against base (median): -j1 %.2fx   -j2 %.2fx\n", b1/j1, b2/j2
    printf "this build against base (fastest): -j1 %.2fx   -j2 %.2fx\n", g1/f1, g2/f2
  }'
fi
if [ "${MEMORY:-0}" = 1 ]; then
  BIG=$(corpus 100000)
  /usr/bin/time -f "peak memory over 100,000 forms at -j2: %M KB (%e s)" "$BIN" extract -q -j2 "$BIG" > /dev/null || true
fi
