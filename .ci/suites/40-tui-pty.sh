#!/usr/bin/env bash
# The terminal UI end to end: the real binary in a pseudo-terminal against an
# in-process emulator (create, the once-only secret, revoke, quit, terminal
# restored), and the --demo start-to-first-frame figure, printed (not asserted).
# 10-rust.sh runs these tests too; this suite shows their figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo test --workspace --locked --test pty_e2e -- --nocapture --test-threads=1 2>&1 \
  | grep -E 'start to first frame|^test |test result'
exit "${PIPESTATUS[0]}"
