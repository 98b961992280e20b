#!/usr/bin/env bash
# Prints start-up time to the first painted customer list and idle memory of the real window,
# next to an empty Tauri window built in the same run. Figures only; not part of the tests.
# PROFILE=release measures release builds of both (the first build takes several minutes).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
PROFILE="${PROFILE:-debug}"
case "$PROFILE" in
  debug) tauri build --debug --no-bundle >/dev/null; cargo build -q -p empty-window --features custom-protocol ;;
  release) tauri build --no-bundle >/dev/null; cargo build -q --release -p empty-window --features custom-protocol ;;
  *) echo "PROFILE is debug or release, not $PROFILE" >&2; exit 2 ;;
esac
WORK="$(mktemp -d -t fabrik-measure.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" XDG_CACHE_HOME="$WORK/cache" XDG_RUNTIME_DIR="$WORK/run" NO_AT_BRIDGE=1 FABRIK_TEST_WORK="$WORK"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
T="${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE"
# The one binary (window and command line) beside the empty window's.
echo "bench: binary_bytes=$(wc -c < "$T/fabrik" | tr -d ' ') empty_window_binary_bytes=$(wc -c < "$T/empty-window" | tr -d ' ')"
cargo run -q --example seed_register -- "$WORK/register-100k.sqlite3" 100000
dbus-run-session -- bash -c 'echo -n m | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  xvfb-run -a -s "-screen 0 1280x800x24" node scripts/measure-window.mjs "$1" "$2" "$3"' _ "$T/fabrik" "$T/empty-window" "$WORK/register-100k.sqlite3"
