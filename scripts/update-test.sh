#!/usr/bin/env bash
# The update test (tests/e2e/update.test.mjs): the two AppImages (scripts/update-bundles.sh), then
# the older one refusing every bad update and updating itself. scripts/test.sh runs it beside the
# window tests; on its own it needs the build and the key that command made:
#
#   bash scripts/update-test.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
export FABRIK_APPIMAGE_CACHE="${FABRIK_APPIMAGE_CACHE:-$HOME/.cache/fabrik}"
bash scripts/appimage.sh --runtime
KEY="${CARGO_TARGET_DIR:-$ROOT/target}/update-test-key"
[ -s "$KEY/key.pub" ] || { echo "update-test.sh: run bash scripts/test.sh first (it makes the key and the build)" >&2; exit 1; }
export FABRIK_UPDATE_PUBKEY="$(cat "$KEY/key.pub")"
if [ -n "${FABRIK_TEST_WORK:-}" ]; then
  # Within scripts/test.sh: a folder in its own, whose end stops whatever this left running.
  WORK="$FABRIK_TEST_WORK/update-test"
  mkdir -p "$WORK"
else
  WORK="$(mktemp -d -t fabrik-update.XXXXXX)"
  chmod 711 "$WORK"
  stop() {
    local pids
    pids="$(grep -lzx "FABRIK_TEST_WORK=$WORK" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true)"
    for pid in $pids; do [ "$pid" = "$$" ] || kill -KILL "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
  }
  trap stop EXIT
  export FABRIK_TEST_WORK="$WORK"
fi
export XDG_DATA_HOME="$WORK/xdg/data" XDG_CONFIG_HOME="$WORK/xdg/config" XDG_CACHE_HOME="$WORK/xdg/cache"
export XDG_RUNTIME_DIR="$WORK/xdg/runtime" NO_AT_BRIDGE=1
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
dpkg-deb -x "$(ls -t "${CARGO_TARGET_DIR:-$ROOT/target}"/debug/bundle/deb/*.deb | head -1)" "$WORK/installed"
bash scripts/update-bundles.sh "$KEY" "$WORK/update"
FABRIK_UPDATE_BUNDLES="$WORK/update" FABRIK_APP="$WORK/installed/usr/bin/fabrik" \
  bash scripts/keyring-session.sh xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-timeout=600000 tests/e2e/update.test.mjs
