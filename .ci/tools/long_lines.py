#!/usr/bin/env python3
"""Fails on a Markdown line over LIMIT characters outside code blocks in
README.md and docs/: such a line (a paragraph on one line, a table row holding
a page of text) cannot be read in a diff, a terminal or a review.

Usage: long_lines.py [LIMIT] [--allow FILE]   (run from the repository root)

LIMIT defaults to 400. FILE (default .ci/tools/long_lines.allow) lists, one
per line, pages not yet rewrapped; '#' starts a comment. A listed page that no
longer has a long line is reported too, so the list only shrinks."""
import argparse, glob, sys

from md_pages import lines_outside_code_blocks, pages

parser = argparse.ArgumentParser()
parser.add_argument("limit", nargs="?", type=int, default=400)
parser.add_argument("--allow", default=".ci/tools/long_lines.allow")
args = parser.parse_args()

allowed = set()
with open(args.allow, encoding="utf-8") as f:
    for line in f:
        page = line.split("#", 1)[0].strip()
        if page:
            allowed.add(page)


problems = []
for page in pages():
    found = [(n, len(line)) for n, line in lines_outside_code_blocks(page) if len(line) > args.limit]
    if page in allowed:
        if not found:
            problems.append(f"{page}: no line over {args.limit} characters any more: remove it from {args.allow}")
        continue
    for number, length in found:
        problems.append(f"{page}:{number}: {length} characters (limit {args.limit})")
for missing in sorted(p for p in allowed if not glob.glob(p)):
    problems.append(f"{missing}: listed in {args.allow} but no such page: remove it")
for line in problems:
    print(line)
if problems:
    print(
        f"{len(problems)} problem(s): rewrap prose to one sentence per line or short paragraphs, "
        "and move a long table cell's text under the table",
        file=sys.stderr,
    )
    sys.exit(1)
