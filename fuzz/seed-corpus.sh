#!/usr/bin/env bash
# Seeds the fuzz corpus with every text fixture of the project.
# Then, with a nightly toolchain and cargo-fuzz:  cargo +nightly fuzz run text
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/text
find ../fixtures -name '*.txt' -exec cp {} corpus/text/ \;
echo "corpus/text: $(ls corpus/text | wc -l) files"
