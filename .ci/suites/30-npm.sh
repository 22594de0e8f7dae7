#!/usr/bin/env bash
# The npm package: build it, then its node --test suites (key lifecycle,
# every error code, validation, workflows, pure functions, types, npm pack),
# the examples, the headless-Chromium tests of the panel in the web and React examples,
# and the size and speed figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

step() { printf '\n-- %s\n' "$*" >&2; }

step "npm ci (build and test tooling)"
(cd wasm && npm ci --no-audit --no-fund)

step "build the package (wasm/build.sh) and the emulator"
wasm/build.sh
cargo build --locked -p narrative-keys-emulator   # debug: reuses 10-rust.sh's build
export NARRATIVE_KEYS_EMULATOR="$CARGO_TARGET_DIR/debug/narrative-keys-emulator"

step "npm ci (examples)"
(cd examples/node && npm ci --no-audit --no-fund)
(cd examples/web && npm ci --no-audit --no-fund)
(cd examples/react && npm ci --no-audit --no-fund)

step "wasm-bindgen-test (Node)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked -p narrative-keys-wasm --target wasm32-unknown-unknown

step "node --test: pure functions, client, errors, types (tsc --strict), npm pack"
(cd wasm && node --test --test-concurrency=1 tests/*.test.mjs)

step "examples/node against a fresh emulator"
emu_out="$(mktemp)"
"$NARRATIVE_KEYS_EMULATOR" --listen 127.0.0.1:0 --db :memory: --bootstrap-key ci-example-key >"$emu_out" 2>/dev/null &
emu_pid=$!
trap 'kill $emu_pid 2>/dev/null || true; rm -f "$emu_out"' EXIT
for _ in $(seq 50); do [ -s "$emu_out" ] && break; sleep 0.1; done
(cd examples/node && NARRATIVE_API_KEY=ci-example-key NARRATIVE_ENVIRONMENT="$(head -1 "$emu_out")" node main.js)
kill $emu_pid; trap - EXIT; rm -f "$emu_out"

step "the panel's TypeScript sources: tsc --strict --noEmit"
(cd wasm && node_modules/.bin/tsc -p js/panel/tsconfig.json --strict --noEmit)

step "the panel's size: narrative-keys/panel with Lit, gzip, at most 20 KB"
(cd wasm && node bench/panel-size.mjs --budget-kb 20)

# The release emulator (the speed figures' below use it too) seeds the
# 10,000 keys of the panel's scale test and benchmark several times faster.
cargo build --locked --release -p narrative-keys-emulator
release_emulator="$CARGO_TARGET_DIR/release/narrative-keys-emulator"

step "browser end-to-end of <narrative-keys-panel> in examples/web (Debian chromium, headless, axe-core; screenshots in tests/artifacts/)"
(cd wasm && NARRATIVE_KEYS_EMULATOR="$release_emulator" node --test tests/browser/)

step "the panel at 10,000 keys in Chromium: first render at most 500 ms, a filter keystroke at most 50 ms (3 rounds)"
(cd wasm && NARRATIVE_KEYS_EMULATOR="$release_emulator" node bench/panel-bench.mjs --short)

step "size and speed"
# The goals (issue 26): gzip .wasm at most 140 KB, Node initialisation at
# most 30 ms, listKeys() of 1,000 keys within 1.2x fetch + JSON.parse. The
# speed figure is taken against a release build of the emulator: against the
# debug build the server's own time hides the package's.
# Size: 167.7 KB (bench.mjs) before issue 26; 144.6 KB after wasm-opt's
# flags and the decoding trims; 130.8 KB since the SDK reads JSON with a
# reader of its own (sdk/src/json_reader.rs) whose errors never format a
# float. Speed: listKeys' check of the server's JSON is a byte scanner
# (wasm/src/listing_check.rs) rather than serde visitors, and the body goes
# to JavaScript without a copy: 1.06x to 1.15x, the median of 200 or 400
# per-round ratios, over 10 runs on the 2-core machine, and 1.16x and 1.17x
# in two clean runs of this script (1.30x to 1.38x before). The gates are
# the goals. See wasm/README.md ("Size and speed").
(cd wasm && NARRATIVE_KEYS_EMULATOR="$release_emulator" node bench/bench.mjs --size-budget-kb 140 --ratio-budget 1.2)
