#!/usr/bin/env bash
# Installs what Fabrik needs to build, run and test on Debian/Ubuntu, skipping whatever is
# already there. Sourced by scripts/run.sh and scripts/test.sh; safe to run again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# The app's build and runtime libraries (Tauri 2 on WebKitGTK 4.1), plus what the tests drive:
# Xvfb for the real window, WebKitWebDriver for the window tests, Chromium's headless shell for
# the UI tests (Chromium's old headless mode, which Playwright uses for headless runs too: the
# 200 UI tests took 227-242 s of CPU in it against 304-318 in the full browser),
# a D-Bus session with gnome-keyring for the OS keyring, PostgreSQL for Supabase SQL and the
# shared register, openssl for the certificates of the register-over-TLS test, faketime for the
# seats whose clocks are off (tests/crash/), squashfs-tools for the AppImage (scripts/appimage.sh),
# systemd's systemd-analyze and libxml2's xmllint for the scheduler units (tests/schedule.rs),
# git for a repository's export bundle and the simulator's clone URLs (crates/fabrik-providers/src/providers/github/bundle.rs).
APT_PACKAGES=(
  build-essential pkg-config file curl
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev
  xvfb xauth x11-utils xdotool imagemagick webkit2gtk-driver dbus-daemon dbus-bin gnome-keyring
  chromium-headless-shell postgresql openssl faketime squashfs-tools systemd libxml2-utils git
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "Rust is missing: install it from https://rustup.rs and run again." >&2; exit 1; }
command -v npm >/dev/null || { echo "Node.js 20+ with npm is missing: install it and run again." >&2; exit 1; }
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || { echo "Node.js 20 or newer is needed (found $(node --version))." >&2; exit 1; }

# npm ci only when the lockfile changed since the last install.
if [ ! -f "$ROOT/ui/node_modules/.package-lock.json" ] || [ "$ROOT/ui/package-lock.json" -nt "$ROOT/ui/node_modules/.package-lock.json" ]; then
  say "Installing UI packages (npm ci)"
  npm --prefix "$ROOT/ui" ci --no-audit --no-fund --loglevel=error
fi

# The Tauri CLI is pinned in ui/package.json; `tauri` below always means that one.
tauri() { npm --prefix "$ROOT/ui" run --silent tauri -- "$@"; }
