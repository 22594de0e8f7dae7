#!/usr/bin/env bash
# Benchmarks in short mode; the full figures come from the commands in docs/src/figures.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
# 300 keys keeps this under a minute; the ratio does not depend on the count.
BENCH_KEYS=${BENCH_KEYS:-300} cargo bench -p narrative-keys --bench revoke_many --profile dev --locked
# One-run revoke under --faults 0.3 in short mode: 50 keys, 3 runs; fails if any run leaves a key live.
BENCH_KEYS=${REVOKE_FAULTS_KEYS:-50} BENCH_RUNS=${REVOKE_FAULTS_RUNS:-3} cargo bench -p narrative-keys --bench revoke_faults --profile dev --locked
# The load run in short mode: 64 clients for 5 s; fails on any error or lost write.
LOAD_SECONDS=${LOAD_SECONDS:-5} cargo bench -p narrative-keys-emulator --bench load --profile dev --locked
# The terminal UI's frame, filter keystroke and sort at 10,000 and 100,000 keys, in short mode (few samples).
NK_BENCH_SHORT=1 cargo bench -p narrative-keys-tui --bench frame --profile dev --locked
# Keys as code through the binary in short mode (a few seconds): plan of a 100-key file against 1,000 keys vs list --json (<= 1.2x), apply of 50 rotations at 20 ms latency vs 50 rotate commands (<= 0.25; with 20, a loaded machine measured 0.246, too near the line).
BENCH_KEYS=${KAC_BENCH_KEYS:-1000} BENCH_FILE_KEYS=${KAC_BENCH_FILE_KEYS:-100} BENCH_ROTATIONS=${KAC_BENCH_ROTATIONS:-50} cargo bench -p narrative-keys-tui --bench keys_as_code --profile dev --locked
