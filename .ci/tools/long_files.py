#!/usr/bin/env python3
"""Lists the Rust source files longer than N lines (default 700), counting
the whole file, and exits 1 if there is any.

Usage: long_files.py [N]   (run from the repository root)

Reads every `*.rs` under the `src/` folder of each workspace member (the
`members` of the root Cargo.toml). Tests are exempt: files named `tests.rs`
and files under a `tests/` folder. A file that holds two concepts is split
by concept; one long only for its inline tests moves them to `tests.rs`."""
import os, sys, tomllib
LIMIT = int(sys.argv[1]) if len(sys.argv) > 1 else 700
with open("Cargo.toml", "rb") as f:
    members = tomllib.load(f)["workspace"]["members"]
out = []
for member in members:
    for dp, dn, fns in os.walk(os.path.join(member, "src")):
        dn[:] = sorted(d for d in dn if d != "tests")
        for f in sorted(fns):
            if not f.endswith(".rs") or f == "tests.rs":
                continue
            p = os.path.join(dp, f)
            with open(p, encoding="utf-8") as src:
                n = sum(1 for _ in src)
            if n > LIMIT:
                out.append((n, p))
out.sort(reverse=True)
for n, p in out:
    print(f"{n:5d} {p}")
print(f"files over {LIMIT} lines: {len(out)}", file=sys.stderr)
sys.exit(1 if out else 0)
