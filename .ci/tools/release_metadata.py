#!/usr/bin/env python3
"""Checks that the release metadata agrees: the npm package's `repository`
and `license` (wasm/js/package.json) say what the workspace Cargo.toml's
[workspace.package] says, the one place the public repository URL is set
(docs/src/release.md); and every crate that is published carries both licence
texts, the root's (cargo packages only files inside the crate's folder, and
the Apache licence must travel with the code). Exits 1, naming what differs.

Usage: release_metadata.py   (run from the repository root)"""
import json, sys, tomllib

with open("Cargo.toml", "rb") as f:
    root = tomllib.load(f)["workspace"]
workspace = root["package"]
with open("wasm/js/package.json", encoding="utf-8") as f:
    npm = json.load(f)

repository = npm.get("repository")
npm_url = repository.get("url") if isinstance(repository, dict) else repository
wrong = []
if npm_url != workspace["repository"]:
    wrong.append(f"repository: wasm/js/package.json says {npm_url!r}, Cargo.toml says {workspace['repository']!r}")
if npm.get("license") != workspace["license"]:
    wrong.append(f"license: wasm/js/package.json says {npm.get('license')!r}, Cargo.toml says {workspace['license']!r}")
for member in root["members"]:
    with open(f"{member}/Cargo.toml", "rb") as f:
        if tomllib.load(f)["package"].get("publish", True) is False:
            continue
    for licence in ["LICENSE-MIT", "LICENSE-APACHE"]:
        with open(licence, "rb") as f:
            text = f.read()
        try:
            with open(f"{member}/{licence}", "rb") as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        if not same:
            wrong.append(f"{member}/{licence}: missing or not the root's; link it: ln -sf ../{licence} {member}/{licence}")
for line in wrong:
    print(line)
if wrong:
    print("fix the above: the workspace Cargo.toml is the one source of these values (docs/src/release.md)", file=sys.stderr)
    sys.exit(1)
