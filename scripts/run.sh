#!/usr/bin/env bash
# Builds Fabrik and opens its window on the embedded defaults: the register is a SQLite file
# in the OS app-data folder (override with FABRIK_DB).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
say "Building the app (first build takes 3-5 minutes)"
tauri build --debug --no-bundle
say "Starting Fabrik"
exec "$ROOT/target/debug/fabrik" "$@"
