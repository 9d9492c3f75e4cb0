#!/usr/bin/env bash
# README's first command: install, start local services if needed, run the demo pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/ensure-services.sh
exec pnpm -s syncfleet demo "$@"
