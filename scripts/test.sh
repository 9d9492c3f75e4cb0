#!/usr/bin/env bash
# README's second command: install, start local services if needed, run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/ensure-services.sh
exec pnpm -s test "$@"
