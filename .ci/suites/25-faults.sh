#!/usr/bin/env bash
# The fault suite's table: every SDK call and workflow with 30% injected faults.
# (10-rust.sh runs it too; this shows its figures.)
set -euo pipefail
cd "$(dirname "$0")/../.."
# One test at a time, so the retries counted are the table's own.
cargo test -p narrative-keys --test fault_suite --locked -- --nocapture --test-threads=1 2>&1 \
  | grep -E '^fault suite|^one-run revoke|^operation|^[a-z_]+ +[0-9]+ +[0-9]+ +[0-9]+$|test result'
test "${PIPESTATUS[0]}" -eq 0
cargo test -p narrative-keys-tui --test cli_faults --locked -- --nocapture 2>&1 \
  | grep -E '^cli under|test result'
exit "${PIPESTATUS[0]}"
