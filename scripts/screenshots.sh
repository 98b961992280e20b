#!/usr/bin/env bash
# The pictures in docs/ (and the README's), taken again from the real window: every window test
# that takes one (it reads FABRIK_SCREENSHOTS) runs on the sandbox's example agency, the window
# packed and installed as the test command does it, and writes its pictures into docs/. One
# command for all of them, or for the test files named:
#
#   bash scripts/screenshots.sh                              # every screen
#   bash scripts/screenshots.sh tests/e2e/usage.test.mjs     # one file's pictures
#
# It needs what the test command installs (run `bash scripts/test.sh` once on a new machine).
# The pictures show no temporary folder and no loopback address: a test that would have one in
# its picture scrolls it out or takes the picture where there is none.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
export FABRIK_APPIMAGE_CACHE="${FABRIK_APPIMAGE_CACHE:-$HOME/.cache/fabrik}"

FILES=("$@")
if [ "${#FILES[@]}" = 0 ]; then
  mapfile -t FILES < <(grep -l FABRIK_SCREENSHOTS tests/e2e/*.test.mjs)
fi

# The same build as the test command's (one compile serves both).
export RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
UPDATE_KEY="${CARGO_TARGET_DIR:-$ROOT/target}/update-test-key"
if [ ! -s "$UPDATE_KEY/key.pub" ]; then
  echo "no test build here yet: run bash scripts/test.sh once" >&2
  exit 1
fi
export FABRIK_UPDATE_PUBKEY="$(cat "$UPDATE_KEY/key.pub")"
npm --prefix ui run --silent build
nice -n 10 cargo build --quiet --workspace --exclude empty-window --features fabrik-app/custom-protocol --bins

# Everything the window writes stays in one folder of its own, removed on every way out with
# whatever it started (a window, a driver, a simulator).
WORK="$(mktemp -d -t fabrik-shots.XXXXXX)"
chmod 711 "$WORK"
stop() {
  local pids
  pids="$(grep -lzx "FABRIK_TEST_WORK=$WORK" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true)"
  for pid in $pids; do [ "$pid" = "$$" ] || kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap stop EXIT
export XDG_DATA_HOME="$WORK/xdg/data" XDG_CONFIG_HOME="$WORK/xdg/config" XDG_CACHE_HOME="$WORK/xdg/cache"
export XDG_RUNTIME_DIR="$WORK/xdg/runtime" NO_AT_BRIDGE=1 FABRIK_TEST_WORK="$WORK"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset FABRIK_DB FABRIK_DATABASE_URL FABRIK_LANG

# One PostgreSQL server for the tests that provision with real SQL (as the test command).
coproc TEST_PG { exec "${CARGO_TARGET_DIR:-$ROOT/target}/debug/fabrik-test-pg"; }
read -r FABRIK_TEST_DATABASE_URL <&"${TEST_PG[0]}"
export FABRIK_TEST_DATABASE_URL
disown "$TEST_PG_PID" 2>/dev/null || true

bash scripts/package.sh --debug deb >/dev/null
FABRIK_PACKAGE="$(ls -t "${CARGO_TARGET_DIR:-$ROOT/target}"/debug/bundle/deb/*.deb | head -1)"
dpkg-deb -x "$FABRIK_PACKAGE" "$WORK/installed"
export FABRIK_PACKAGE FABRIK_SCREENSHOTS="$ROOT/docs"
# The picture of a desktop notification (docs/notification.png) needs a notification daemon
# that draws: dunst, on a D-Bus of the usage test's own. Only here, never in the test command.
if ! command -v dunst >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends dunst >/dev/null
fi
export FABRIK_NOTIFICATION_PICTURE=1

FABRIK_APP="$WORK/installed/usr/bin/fabrik" bash scripts/keyring-session.sh \
  xvfb-run -a -s "-screen 0 1280x800x24" \
  node --test --test-concurrency=1 --test-timeout=600000 "${FILES[@]}"
echo "Pictures written to docs/:"
git -C "$ROOT" status --short -- docs/*.png
