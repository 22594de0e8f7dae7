#!/usr/bin/env bash
# The package's .wasm as build.sh ships it, but with its function names kept
# (wasm-opt -g), for wasm-sizes.mjs, or in place of pkg/narrative_keys_wasm_bg.wasm
# for a profile (node --cpu-prof) that names its functions. Run wasm/build.sh first.
# Usage: wasm/bench/named-module.sh OUT.wasm [CARGO_WASM]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"
wasm="${2:-${CARGO_TARGET_DIR:-$here/../target}/wasm32-unknown-unknown/wasm-release/narrative_keys_wasm.wasm}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --out-dir "$tmp" --out-name narrative_keys_wasm "$wasm"
# shellcheck source=../wasm-opt-flags.sh
source "$here/wasm-opt-flags.sh"
"$here/node_modules/.bin/wasm-opt" "${WASM_OPT_FLAGS[@]}" -g \
  "$tmp/narrative_keys_wasm_bg.wasm" -o "$out"
