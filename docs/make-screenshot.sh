#!/usr/bin/env bash
# Makes docs/report.png, the README's picture of `formsift report`: the
# report of the bundled fixtures, its first 3,400 pixels at 1,100 wide, as
# headless Chromium draws it (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q --bin formsift
tmp=$(mktemp -d)
target/release/formsift report -q fixtures -o "$tmp/report.html" || true
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$tmp/profile" --window-size=1100,3400 \
  --screenshot="$tmp/report.png" "file://$tmp/report.html" 2>/dev/null
# Fewer colours: a tenth of the bytes, no visible change.
python3 -c "import sys; from PIL import Image; Image.open(sys.argv[1]).convert('RGB').quantize(64).save(sys.argv[2], optimize=True)" \
  "$tmp/report.png" docs/report.png
rm -rf "$tmp"
ls -l docs/report.png
