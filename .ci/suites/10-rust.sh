#!/usr/bin/env bash
# Formatting, lints, the wasm32 build of the SDK, and every Rust test.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo fmt --all --check
# No function over 60 lines without a `long:` comment saying why.
python3 .ci/tools/long_functions.py 60
# No source file over 700 lines (tests.rs and tests/ apart): one concept per file.
python3 .ci/tools/long_files.py 700
# Every relative link of README.md and docs/ resolves; the npm package's
# repository and licence are the workspace Cargo.toml's (docs/src/release.md).
python3 .ci/tools/doc_links.py
# No Markdown line over 400 characters outside code blocks in README.md and
# docs/ (pages not yet rewrapped are listed in .ci/tools/long_lines.allow).
python3 .ci/tools/long_lines.py 400
python3 .ci/tools/release_metadata.py
cargo clippy --workspace --all-targets --locked -- -D warnings
# The binary without its `demo` feature (no emulator: no axum or SQLite in it)
# keeps building cleanly.
cargo clippy -p narrative-keys-tui --no-default-features --all-targets --locked -- -D warnings
# The SDK must build for the browser without tokio, TLS or filesystem code.
cargo build -p narrative-keys --target wasm32-unknown-unknown --locked
if cargo tree -p narrative-keys --target wasm32-unknown-unknown -e normal --prefix none \
     | grep -E '^(tokio|rustls|ring|native-tls|openssl|hyper-rustls) ' ; then
  echo "the wasm32 build of narrative-keys pulls in a native-only crate (above)" >&2
  exit 1
fi
cargo test --workspace --locked
# ... and there --demo says how to get the demo, with exit status 2.
cargo test -p narrative-keys-tui --no-default-features --locked --test cli_no_demo
