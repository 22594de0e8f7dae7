#!/usr/bin/env bash
# Builds the npm package into wasm/pkg: one command, no wasm-pack.
#   wasm/build.sh            release build (profile wasm-release, then wasm-opt)
#   wasm/build.sh --dev      unoptimised, for quick iteration
# Needs: the wasm32-unknown-unknown target, wasm-bindgen-cli at exactly the
# version pinned in wasm/Cargo.toml, and `npm ci` in wasm/ for wasm-opt
# (the `binaryen` npm package); without it the wasm is left unoptimised.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$here/pkg"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

profile=wasm-release
[ "${1:-}" = "--dev" ] && profile=dev

pinned="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$here/Cargo.toml")"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"
if [ -z "$pinned" ] || [ "$pinned" != "$have" ]; then
  echo "build.sh: wasm-bindgen CLI is '${have:-missing}', wasm/Cargo.toml pins '=$pinned';" >&2
  echo "          install it with: cargo install wasm-bindgen-cli --version =$pinned" >&2
  exit 1
fi

# strip = true (in the profile) would also drop the target_features section
# wasm-bindgen reads; wasm-bindgen and wasm-opt strip names and debug info instead.
CARGO_PROFILE_WASM_RELEASE_STRIP=false \
  cargo build -p narrative-keys-wasm --target wasm32-unknown-unknown --profile "$profile" --locked
dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$dir/narrative_keys_wasm.wasm"

rm -rf "$out"
mkdir -p "$out"
bindgen_flags=(--target web --out-dir "$out" --out-name narrative_keys_wasm)
[ "$profile" = dev ] || bindgen_flags+=(--remove-name-section --remove-producers-section)
wasm-bindgen "${bindgen_flags[@]}" "$wasm"
rm -f "$out/narrative_keys_wasm_bg.wasm.d.ts"

# After a panic the package moves to a fresh instance (see wasm/src/runtime.rs).
# Callbacks of the abandoned instance (a fetch that completes later) must then
# be ignored, not throw where nobody can catch them.
glue="$out/narrative_keys_wasm.js"
stale="throw new Error('Cannot invoke closure from previous WASM instance');"
n="$(grep -cF "$stale" "$glue" || true)"
if [ "$n" -lt 1 ]; then
  echo "build.sh: the glue no longer holds the stale-closure check; review the patch for this wasm-bindgen version" >&2
  exit 1
fi
sed -i "s/$stale/return; \/\/ narrative-keys: a callback of an instance abandoned after a panic/" "$glue"

wasm_opt="$here/node_modules/.bin/wasm-opt"
if [ "$profile" != dev ] && [ -x "$wasm_opt" ]; then
  # shellcheck source=wasm-opt-flags.sh
  source "$here/wasm-opt-flags.sh"
  "$wasm_opt" "${WASM_OPT_FLAGS[@]}" \
    "$out/narrative_keys_wasm_bg.wasm" -o "$out/narrative_keys_wasm_bg.wasm"
elif [ "$profile" != dev ]; then
  echo "build.sh: wasm-opt not found (run npm ci in wasm/); the wasm is not post-optimised" >&2
fi

cp "$here"/js/*.js "$here"/js/*.d.ts "$out/"
cp "$here/README.md" "$out/README.md"
cp "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$out/"

# Node loads the entry, the glue and the wrapper as one module: every extra
# ESM file costs Node a resolve, a read and a parse at import (about 2.5 ms of
# the ~18 ms start-up here). Browsers and bundlers keep the separate files.
esbuild="$here/node_modules/.bin/esbuild"
if [ -x "$esbuild" ]; then
  "$esbuild" "$out/node.js" --bundle --format=esm --platform=node --log-level=warning \
    --outfile="$out/node.js" --allow-overwrite
  # The panel entry, compiled from TypeScript with Lit bundled in; it imports
  # the browser entry as the shared module it is in the package, so the app
  # holds one WebAssembly instance.
  node "$here/build-panel.mjs" "$out/panel.js"
else
  echo "build.sh: esbuild not found (run npm ci in wasm/); it builds node.js and panel.js" >&2
  exit 1
fi

# The panel's types, emitted by tsc from its sources (checked --strict on the
# way): panel.d.ts declares the element and its events and imports only the
# package's own types.
tsc="$here/node_modules/.bin/tsc"
if [ ! -x "$tsc" ]; then
  echo "build.sh: tsc not found (run npm ci in wasm/); it emits panel.d.ts" >&2
  exit 1
fi
dts="$(mktemp -d)"
trap 'rm -rf "$dts"' EXIT
"$tsc" -p "$here/js/panel/tsconfig.json" --noEmit false --emitDeclarationOnly --outDir "$dts"
if grep -E "from '[./]" "$dts/panel.d.ts" >&2; then
  echo "build.sh: panel.d.ts imports a module the package does not ship (above); declare it in panel.ts" >&2
  exit 1
fi
cp "$dts/panel.d.ts" "$out/panel.d.ts"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)"
sed "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" "$here/js/package.json" > "$out/package.json"
echo "built $out ($(du -h "$out/narrative_keys_wasm_bg.wasm" | cut -f1) wasm)" >&2
