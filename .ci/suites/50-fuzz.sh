#!/usr/bin/env bash
# Fuzz every parser for a short while from the committed corpus (cargo fuzz;
# RUSTC_BOOTSTRAP lets the stable toolchain accept libFuzzer's flags). The
# full run is in docs/src/hardening.md. A crash fails the suite and leaves its input in
# fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../../fuzz"
SECONDS_PER_TARGET=${FUZZ_SECONDS:-20}
if ! command -v cargo-fuzz >/dev/null; then
  cargo install cargo-fuzz --version 0.13.2
fi
# cargo fuzz has no --locked: check the committed lock first, so a run never
# rewrites fuzz/Cargo.lock and a clean clone stays clean after .ci/run.
if ! cargo metadata --locked --format-version 1 >/dev/null; then
  echo "50-fuzz: fuzz/Cargo.lock is stale; run 'cargo metadata --format-version 1 >/dev/null' in fuzz/ and commit the lock" >&2
  exit 1
fi
export RUSTC_BOOTSTRAP=1
for target in compact_permissions expiration responses json_reader new_key_input; do
  # Runs into a scratch copy so CI leaves the committed corpus as it is.
  scratch=$(mktemp -d)
  cp -r "corpus/$target/." "$scratch/"
  log="$scratch.log"
  status=0
  cargo fuzz run --sanitizer none "$target" "$scratch" -- -max_total_time="$SECONDS_PER_TARGET" >"$log" 2>&1 || status=$?
  grep -E '^Done|SUMMARY|panicked|ERROR' "$log" | sed "s/^/$target: /" || true
  if [ "$status" -ne 0 ]; then tail -40 "$log"; exit "$status"; fi
  rm -rf "$scratch" "$log"
done
