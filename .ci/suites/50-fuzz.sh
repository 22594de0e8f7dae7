#!/usr/bin/env bash
# Fuzz every parser for a short while from the committed corpus (cargo fuzz;
# RUSTC_BOOTSTRAP lets the stable toolchain accept libFuzzer's flags). The
# full run is in the README. A crash fails the suite and leaves its input in
# fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../../fuzz"
SECONDS_PER_TARGET=${FUZZ_SECONDS:-20}
if ! command -v cargo-fuzz >/dev/null; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
export RUSTC_BOOTSTRAP=1
for target in compact_permissions expiration responses new_key_input; do
  # Runs into a scratch copy so CI leaves the committed corpus as it is.
  scratch=$(mktemp -d)
  cp -r "corpus/$target/." "$scratch/"
  cargo fuzz run --sanitizer none "$target" "$scratch" -- -max_total_time="$SECONDS_PER_TARGET" 2>&1 \
    | grep -E '^Done|SUMMARY|panicked|ERROR' || true
  test "${PIPESTATUS[0]}" -eq 0
  rm -rf "$scratch"
done
