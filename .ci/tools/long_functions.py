#!/usr/bin/env python3
"""Lists the non-test Rust functions longer than N lines (default 60),
signature to closing brace, and exits 1 if any lacks a reason.

Usage: long_functions.py [N [FOLDER...]]   (run from the repository root)

Skips `#[cfg(test)]` items, `tests.rs` files (a module's tests moved out
of it) and tests/ and benches/ folders. A function with a
comment containing `long:` in the six lines above it says why it is long and
is listed as explained. The count is by text (braces outside strings and line
comments), which is all this rule needs."""
import os, re, sys
LIMIT = int(sys.argv[1]) if len(sys.argv) > 1 else 60
roots = sys.argv[2:] or ["sdk/src", "emulator/src", "tui/src", "wasm/src", "examples", "tests/src"]
fn_re = re.compile(r'^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?(extern\s+"[^"]*"\s+)?fn\s+(\w+)')
def strip(line):
    # crude: remove string literals and line comments for brace counting
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])'", "''", line)
    i = line.find('//')
    return line if i < 0 else line[:i]
out = []
for root in roots:
    for dp, dn, fns in os.walk(root):
        if '/tests' in dp or '/benches' in dp or 'target' in dp: continue
        for f in fns:
            if not f.endswith('.rs') or f == 'tests.rs': continue
            p = os.path.join(dp, f)
            lines = open(p, encoding='utf-8').read().split('\n')
            skip_until = -1
            i = 0
            while i < len(lines):
                l = lines[i]
                if re.match(r'\s*#\[cfg\(test\)\]', l):
                    # skip the following item (mod tests {...})
                    depth = 0; started = False; j = i + 1
                    while j < len(lines):
                        s = strip(lines[j]); depth += s.count('{') - s.count('}')
                        if '{' in s: started = True
                        if started and depth <= 0: break
                        if not started and s.strip().endswith(';'): break
                        j += 1
                    i = j + 1; continue
                m = fn_re.match(l)
                if m:
                    depth = 0; started = False; j = i
                    while j < len(lines):
                        s = strip(lines[j]); 
                        if not started and '{' not in s and s.strip().endswith(';'): break
                        depth += s.count('{') - s.count('}')
                        if '{' in s: started = True
                        if started and depth <= 0: break
                        j += 1
                    n = j - i + 1
                    if started and n > LIMIT:
                        ctx = '\n'.join(lines[max(0, i-6):i])
                        expl = 'long:' in ctx or 'Long because' in ctx or 'long because' in ctx
                        out.append((n, p, i+1, m.group(7), expl))
                    i += 1; continue
                i += 1
out.sort(reverse=True)
for n, p, ln, name, expl in out:
    print(f"{n:5d} {p}:{ln} {name}{'  (explained)' if expl else ''}")
unexplained = sum(1 for o in out if not o[4])
print(f"over {LIMIT} lines: {len(out)}, without a reason: {unexplained}", file=sys.stderr)
sys.exit(1 if unexplained else 0)
