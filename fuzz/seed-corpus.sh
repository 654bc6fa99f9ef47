#!/usr/bin/env bash
# Seeds the fuzz corpus with every text fixture of the project.
# Then, with a nightly toolchain and cargo-fuzz:  cargo +nightly fuzz run text
# The content-stream reader's corpus is seeded with the fixture PDFs' pages:
#   cargo +nightly fuzz run pdf_content
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/text
find ../fixtures -name '*.txt' -exec cp {} corpus/text/ \;
echo "corpus/text: $(ls corpus/text | wc -l) files"
mkdir -p corpus/pdf_content
for f in ../fixtures/pdf/*.pdf; do
  python3 - "$f" <<'PY' || true
import re, sys, zlib, hashlib
data = open(sys.argv[1], 'rb').read()
for m in re.finditer(rb'stream\r?\n(.*?)endstream', data, re.S):
    try:
        page = zlib.decompress(m.group(1))
    except Exception:
        continue
    if b'Tj' in page or b'TJ' in page:
        name = hashlib.sha1(page).hexdigest()[:16]
        open(f'corpus/pdf_content/{name}', 'wb').write(page)
PY
done
echo "corpus/pdf_content: $(ls corpus/pdf_content | wc -l) files"
# The office readers: every Word and LibreOffice fixture, and the XML of
# their main parts.  cargo +nightly fuzz run office
mkdir -p corpus/office
for f in $(find ../fixtures/docx -name '*.docx' -o -name '*.docm' -o -name '*.odt'); do
  cp "$f" corpus/office/
  base=$(basename "$f")
  unzip -p "$f" word/document.xml > "corpus/office/$base.document.xml" 2>/dev/null || rm -f "corpus/office/$base.document.xml"
  unzip -p "$f" content.xml > "corpus/office/$base.content.xml" 2>/dev/null || rm -f "corpus/office/$base.content.xml"
done
find corpus/office -size 0 -delete
echo "corpus/office: $(ls corpus/office | wc -l) files"
