#!/usr/bin/env python3
"""Checks that the release metadata agrees: the npm package's `repository`
and `license` (wasm/js/package.json) say what the workspace Cargo.toml's
[workspace.package] says, the one place the public repository URL is set
(docs/src/release.md). Exits 1, naming both values, when they differ.

Usage: release_metadata.py   (run from the repository root)"""
import json, sys, tomllib

with open("Cargo.toml", "rb") as f:
    workspace = tomllib.load(f)["workspace"]["package"]
with open("wasm/js/package.json", encoding="utf-8") as f:
    npm = json.load(f)

repository = npm.get("repository")
npm_url = repository.get("url") if isinstance(repository, dict) else repository
wrong = []
if npm_url != workspace["repository"]:
    wrong.append(f"repository: wasm/js/package.json says {npm_url!r}, Cargo.toml says {workspace['repository']!r}")
if npm.get("license") != workspace["license"]:
    wrong.append(f"license: wasm/js/package.json says {npm.get('license')!r}, Cargo.toml says {workspace['license']!r}")
for line in wrong:
    print(line)
if wrong:
    print("set wasm/js/package.json to the workspace Cargo.toml's value (docs/src/release.md)", file=sys.stderr)
    sys.exit(1)
