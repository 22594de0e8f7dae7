#!/usr/bin/env bash
# The guide (docs/, mdBook) builds with nothing but mdBook, into target/book;
# its links and anchors are checked by .ci/tools/doc_links.py in 10-rust.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
mdbook build docs
echo "book: built in $(( $(date +%s) - start ))s, $(du -sh target/book | cut -f1)" >&2
