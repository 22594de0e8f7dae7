#!/usr/bin/env python3
"""Checks that every relative link in README.md and docs/*.md resolves: the
file exists and, for `page.md#anchor`, the page has that heading. Lists the
broken ones and exits 1 if there is any.

Usage: doc_links.py   (run from the repository root)

Links to http(s), mailto and bare anchors of other sites are not fetched;
links inside code blocks and inline code are not links."""
import os, re, sys

from md_pages import lines_outside_code_blocks, pages

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def anchors(path):
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to '-'."""
    out, fence = set(), False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("```"):
                fence = not fence
            elif not fence and line.startswith("#"):
                text = line.lstrip("#").strip().lower()
                out.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return out


def links(path):
    for number, line in lines_outside_code_blocks(path):
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
            yield number, target


broken = []
for page in pages():
    for number, target in links(page):
        if re.match(r"^[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        resolved = os.path.normpath(os.path.join(os.path.dirname(page), file)) if file else page
        if not os.path.exists(resolved):
            broken.append(f"{page}:{number}: {target}: no file {resolved}")
        elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
            broken.append(f"{page}:{number}: {target}: {resolved} has no heading #{anchor}")
for line in broken:
    print(line)
if broken:
    print(f"{len(broken)} broken link(s): fix the path, or the heading it points to", file=sys.stderr)
    sys.exit(1)
