#!/usr/bin/env bash
# README's second command: install, start local services if needed, run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/ensure-services.sh
results="$(mktemp -d)/vitest-results.json"
status=0
pnpm -s exec vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
# One plain closing line ("N passed, N failed, N skipped") that any CI can read.
if [ -f "$results" ]; then
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);' "$results"
fi
# Vitest also fails a run whose tests all passed when something rejected unobserved; say so plainly.
if [ "$status" -ne 0 ]; then
  echo "tests: vitest exited $status (failed tests, or unhandled errors printed above)"
fi
exit "$status"
