#!/usr/bin/env bash
# The emulator against Narrative's published OpenAPI document, by schemathesis
# (property-based): no server error, every status, content type and response
# body as the document declares, and every request that violates the
# document's schemas refused. Deterministic (a fixed seed and pinned versions)
# and bounded (CONFORMANCE_EXAMPLES per operation and phase). Fails on any
# failure, and when the document is absent. See emulator/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
examples="${CONFORMANCE_EXAMPLES:-100}"
seed="${CONFORMANCE_SEED:-1}"

step() { printf '\n-- %s\n' "$*" >&2; }

doc="${NARRATIVE_API_OPENAPI:-$root/../shared/narrative-api/access-tokens.openapi.json}"
if [ ! -f "$doc" ]; then
  echo "conformance: the OpenAPI document is absent at $doc, so nothing was checked." >&2
  echo "Check the repository out beside shared/, or set NARRATIVE_API_OPENAPI to the document's path." >&2
  exit 1
fi

step "schemathesis (pinned in emulator/conformance/requirements.txt)"
venv="$CARGO_TARGET_DIR/schemathesis-venv"
emulator/conformance/install.sh "$venv"
"$venv/bin/schemathesis" --version >&2

step "build and start the emulator"
cargo build --locked -p narrative-keys-emulator   # debug: reuses the other suites' build
work="$CARGO_TARGET_DIR/conformance"
rm -rf "$work"
mkdir -p "$work"
key="conformance-admin-key"
"$CARGO_TARGET_DIR/debug/narrative-keys-emulator" --listen 127.0.0.1:0 --db :memory: \
  --bootstrap-key "$key" >"$work/emulator.out" 2>"$work/emulator.log" &
emu_pid=$!
trap 'kill $emu_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/emulator.out" ] && break; sleep 0.1; done
url="$(head -1 "$work/emulator.out")"
case "$url" in
  http://127.0.0.1:*) echo "emulator at $url" >&2 ;;
  *) echo "conformance: the emulator did not start; its log:" >&2; tail -20 "$work/emulator.log" >&2; exit 1 ;;
esac

step "schemathesis run: $examples examples per operation and phase, seed $seed"
# The document's servers are Narrative's own hosts with no base path; --url
# points the same paths at the emulator. The hooks relax the loaded document
# in two places the contract's README documents (emulator/README.md says which).
status=0
(cd "$work" && SCHEMATHESIS_HOOKS="$root/emulator/conformance/hooks.py" \
  "$venv/bin/schemathesis" --no-color run "$doc" \
    --url "$url" \
    --header "Authorization: Bearer $key" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$examples" --seed "$seed" --workers 1 \
    --continue-on-failure \
    --generation-database none \
    --request-timeout 10 \
    --report json --report-json-path "$work/report.json") || status=$?

# The run must have tested every operation with the admin key still working:
# a run that revoked its own key would go on testing nothing but 401s.
whoami="$("$venv/bin/python" -c '
import sys, urllib.error, urllib.request
request = urllib.request.Request(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]})
try:
    print(urllib.request.urlopen(request, timeout=10).status)
except urllib.error.HTTPError as e:
    print(e.code)
except OSError as e:
    print(f"no answer ({e})")
' "$url/whoami" "$key")"
kill $emu_pid 2>/dev/null || true
trap - EXIT
if [ "$whoami" != 200 ]; then
  echo "conformance: after the run the admin key got $whoami from /whoami, not 200: the run revoked or broke its own key, so later cases tested nothing" >&2
  status=1
fi
if [ ! -f "$work/report.json" ]; then
  echo "conformance: schemathesis wrote no report (exit status $status)" >&2
  exit 1
fi
"$venv/bin/python" - "$work/report.json" <<'EOF' || status=1
import json, sys
report = json.load(open(sys.argv[1]))
cases = report["test_cases"]
failed = cases["with_failures"] + cases["errored"]
ops = report["operations"]
print(f"operations tested: {ops['tested']} of {ops['selected']}; "
      f"unique failures: {cases['unique_failures']}; errors: {len(report['errors'])}; "
      f"{report['running_time']:.0f} s", file=sys.stderr)
print(f"conformance: {cases['generated'] - failed} passed, {failed} failed")
ok = report["complete"] and failed == 0 and not report["errors"] and ops["tested"] == ops["selected"]
sys.exit(0 if ok else 1)
EOF
exit $status
